using CloudAlmBridge.Mappings;
using CloudAlmBridge.Vocabulary;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Stops the start with every configuration error listed (registered with ValidateOnStart): the model's errors, and
/// outside Development a value still set to an example's placeholder and a missing key ring key.
/// </summary>
internal sealed class BridgeOptionsValidator(IHostEnvironment environment, IConfiguration configuration, StoredMappings storedMappings)
    : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        var (_, errors) = new BridgeModelBuilder(environment.ContentRootPath, storedMappings.Contains).Build(options);
        var all = environment.IsDevelopment() ? errors : [.. errors, .. Placeholders.Find(configuration), .. RequiredOutsideDevelopment(options)];
        return all.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(all);
    }

    private static IEnumerable<string> RequiredOutsideDevelopment(BridgeOptions options)
    {
        // Without it the key ring could not be kept in the database encrypted, and a session would not survive a restart
        // or reach another instance. Needed as soon as someone can sign in to the console: an admin with a secret.
        var console = options.Security.Clients.Values.Any(client => client.Roles.Contains(Roles.Admin, StringComparer.Ordinal)
            && (!string.IsNullOrEmpty(client.Secret) || !string.IsNullOrEmpty(client.SecretHash)));
        if (console && string.IsNullOrEmpty(options.Security.KeyRing.Key))
        {
            yield return $"{BridgeOptions.SectionName}:Security:KeyRing:Key: required outside Development when a client with the role admin has a secret (the console can be signed into): a random string of at least "
                + $"{KeyRingOptions.MinimumKeyLength} characters (e.g. 'openssl rand -base64 48'), the same on every instance; it encrypts the console's key ring in the database";
        }
    }
}
