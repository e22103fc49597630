using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Stops the start with every configuration error listed (registered with ValidateOnStart): the errors of the start's
/// build of the model, which the configuration in force then takes over without building it again.
/// </summary>
internal sealed class BridgeOptionsValidator(BridgeModelBuilder builder) : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        var (_, errors) = builder.AtStart(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
