using CloudAlmBridge.Mappings;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

/// <summary>Stops the start with every configuration error listed (registered with ValidateOnStart).</summary>
internal sealed class BridgeOptionsValidator(IHostEnvironment environment, StoredMappings storedMappings) : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        var (_, errors) = new BridgeModelBuilder(environment.ContentRootPath, storedMappings.Contains).Build(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
