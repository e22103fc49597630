using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// <c>Bridge:Destinations</c>: a URL the bridge may send credentials to (https, no user info), and an authentication
/// that has what its type needs. Its certificates are the TLS rules' (<see cref="Tls.DestinationTlsRules"/>).
/// </summary>
internal sealed class DestinationRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        foreach (var (name, destination) in check.Options.Destinations)
        {
            Check(check, name, destination);
        }
    }

    private static void Check(ConfigurationCheck check, string name, DestinationOptions destination)
    {
        var key = $"{ConfigurationCheck.Root}:Destinations:{name}";
        if (string.IsNullOrWhiteSpace(destination.Url))
        {
            check.Add($"{key}:Url: required");
        }
        else if (ConfigurationCheck.HasUserInfo(destination.Url))
        {
            // The URL is not repeated: its user info may be a password, and this message reaches the log.
            check.Add($"{key}:Url: holds credentials before '@'; put them in {key}:Authentication, which is never shown");
        }
        else if (!ConfigurationCheck.IsHttpUrl(destination.Url))
        {
            check.Add($"{key}:Url: '{destination.Url}' is not an absolute http(s) URL");
        }
        else if (destination.Url.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !destination.AllowInsecureHttp)
        {
            check.Add($"{key}:Url: '{destination.Url}' is not https; credentials and tickets would cross the network in clear (set AllowInsecureHttp only for a sandbox on this host)");
        }

        var authentication = destination.Authentication;
        var type = DestinationAuthenticationOptions.Known.FirstOrDefault(k => string.Equals(k, authentication.Type, StringComparison.OrdinalIgnoreCase));
        if (type is null)
        {
            check.Add($"{key}:Authentication:Type: unknown type '{authentication.Type}'; use one of {string.Join(", ", DestinationAuthenticationOptions.Known)}");
        }
        else if (type == DestinationAuthenticationOptions.OAuth2ClientCredentials)
        {
            if (authentication.TokenUrl is not null && ConfigurationCheck.HasUserInfo(authentication.TokenUrl))
            {
                check.Add($"{key}:Authentication:TokenUrl: holds credentials before '@'; give them as ClientId and ClientSecret");
            }
            else if (string.IsNullOrWhiteSpace(authentication.TokenUrl) || !ConfigurationCheck.IsHttpUrl(authentication.TokenUrl))
            {
                check.Add($"{key}:Authentication:TokenUrl: required for {DestinationAuthenticationOptions.OAuth2ClientCredentials}, an absolute https URL");
            }
            else if (authentication.TokenUrl.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !destination.AllowInsecureHttp)
            {
                check.Add($"{key}:Authentication:TokenUrl: '{authentication.TokenUrl}' is not https; the client secret would cross the network in clear");
            }

            if (string.IsNullOrEmpty(authentication.ClientId))
            {
                check.Add($"{key}:Authentication:ClientId: required for {DestinationAuthenticationOptions.OAuth2ClientCredentials}");
            }

            if (string.IsNullOrEmpty(authentication.ClientSecret))
            {
                check.Add($"{key}:Authentication:ClientSecret: required for {DestinationAuthenticationOptions.OAuth2ClientCredentials}");
            }
        }
        else if (type == DestinationAuthenticationOptions.ApiKeyHeader)
        {
            if (string.IsNullOrWhiteSpace(authentication.HeaderName) || authentication.HeaderName.Any(c => char.IsWhiteSpace(c) || c == ':'))
            {
                check.Add($"{key}:Authentication:HeaderName: required for {DestinationAuthenticationOptions.ApiKeyHeader}, a header name such as 'x-sn-apikey'");
            }

            if (string.IsNullOrEmpty(authentication.HeaderValue))
            {
                check.Add($"{key}:Authentication:HeaderValue: required for {DestinationAuthenticationOptions.ApiKeyHeader}");
            }
        }
        else if (type == DestinationAuthenticationOptions.Basic)
        {
            if (string.IsNullOrEmpty(authentication.User))
            {
                check.Add($"{key}:Authentication:User: required for {DestinationAuthenticationOptions.Basic}");
            }

            if (string.IsNullOrEmpty(authentication.Password))
            {
                check.Add($"{key}:Authentication:Password: required for {DestinationAuthenticationOptions.Basic}");
            }
        }
    }
}
