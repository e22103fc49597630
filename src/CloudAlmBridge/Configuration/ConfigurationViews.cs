namespace CloudAlmBridge.Configuration;

/// <summary>
/// The configuration in force as the management API (docs/api.md §4) and the console's Destinations page show it:
/// built here once, so the page never calls a route handler and both mask the same secrets.
/// </summary>
internal static class ConfigurationViews
{
    /// <summary>What every secret shows as.</summary>
    public const string Masked = "***";

    public static SubscriptionView[] Subscriptions(BridgeModel model) =>
        model.Options.Subscriptions
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
            .Select(s => new SubscriptionView(
                s.Key,
                s.Value.ResourceType,
                s.Value.Webhook ?? string.Empty,
                model.FindSubscription(s.Key)?.MappingName ?? s.Value.Mapping ?? string.Empty,
                s.Value.UserVariables,
                s.Value.CloudAlmUrl,
                s.Value.Enabled))
            .ToArray();

    public static WebhookView[] Webhooks(BridgeModel model) =>
        model.Options.Webhooks
            .OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase)
            .Select(w => new WebhookView(w.Key, w.Value.Destination ?? string.Empty, w.Value.Path, w.Value.DestinationType.ToUpperInvariant(),
                w.Value.ExternalResourceType))
            .ToArray();

    public static DestinationView[] Destinations(BridgeModel model) =>
        model.Options.Destinations
            .OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase)
            .Select(d => (d, Certificate: Uri.TryCreate(d.Value.Url, UriKind.Absolute, out var url) ? model.TlsFor(url.IdnHost)?.ClientCertificate : null))
            .Select(x => new DestinationView(
                x.d.Key,
                x.d.Value.Url ?? string.Empty,
                x.d.Value.AllowInsecureHttp,
                x.d.Value.TrustedCaFile,
                new DestinationAuthenticationView(
                    x.d.Value.Authentication.Type,
                    x.d.Value.Authentication.User,
                    Mask(x.d.Value.Authentication.Password),
                    x.d.Value.Authentication.HeaderName,
                    Mask(x.d.Value.Authentication.HeaderValue),
                    x.d.Value.Authentication.TokenUrl,
                    x.d.Value.Authentication.ClientId,
                    Mask(x.d.Value.Authentication.ClientSecret),
                    x.d.Value.Authentication.Scope,
                    Mask(x.d.Value.Authentication.Certificate),
                    x.d.Value.Authentication.CertificateFile,
                    Mask(x.d.Value.Authentication.PrivateKey),
                    x.d.Value.Authentication.PrivateKeyFile,
                    Mask(x.d.Value.Authentication.CertificatePassword),
                    x.Certificate?.Thumbprint,
                    x.Certificate is null ? null : new DateTimeOffset(x.Certificate.NotAfter.ToUniversalTime()))))
            .ToArray();

    private static string? Mask(string? secret) => string.IsNullOrEmpty(secret) ? null : Masked;
}

/// <summary>A subscription as the management API shows it.</summary>
public sealed record SubscriptionView(string Name, string ResourceType, string Webhook, string Mapping,
    IReadOnlyDictionary<string, string> UserVariables, string? CloudAlmUrl, bool Enabled);

/// <summary>A webhook as the management API shows it.</summary>
public sealed record WebhookView(string Name, string Destination, string Path, string DestinationType, string? ExternalResourceType);

/// <summary>A destination as the management API shows it: every secret is <c>***</c>.</summary>
public sealed record DestinationView(string Name, string Url, bool AllowInsecureHttp, string? TrustedCaFile,
    DestinationAuthenticationView Authentication);

/// <summary>
/// A destination's authentication: secrets masked; for a client certificate, which one is presented (its public
/// thumbprint and expiry), so an operator can match it with what the ticket system has registered.
/// </summary>
public sealed record DestinationAuthenticationView(string Type, string? User, string? Password, string? HeaderName, string? HeaderValue,
    string? TokenUrl, string? ClientId, string? ClientSecret, string? Scope,
    string? Certificate, string? CertificateFile, string? PrivateKey, string? PrivateKeyFile, string? CertificatePassword,
    string? CertificateThumbprint, DateTimeOffset? CertificateNotAfter);
