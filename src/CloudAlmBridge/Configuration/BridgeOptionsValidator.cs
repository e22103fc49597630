using CloudAlmBridge.Mappings;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Stops the start with every configuration error listed (registered with ValidateOnStart): the model's errors, and
/// outside Development a value still set to an example's placeholder.
/// </summary>
internal sealed class BridgeOptionsValidator(IHostEnvironment environment, IConfiguration configuration, StoredMappings storedMappings)
    : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        var (_, errors) = new BridgeModelBuilder(environment.ContentRootPath, storedMappings.Contains).Build(options);
        var all = environment.IsDevelopment() ? errors : [.. errors, .. Placeholders.Find(configuration)];
        return all.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(all);
    }
}
