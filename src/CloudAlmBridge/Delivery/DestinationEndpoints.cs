using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery.Tls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// The destinations in force, read-only (docs/api.md §4), with the client certificate each presents. Secrets are never
/// returned: they show as <c>***</c>.
/// </summary>
internal static class DestinationEndpoints
{
    public const string Masked = "***";

    /// <summary>Into the configuration API's group: the same tag and authorization as subscriptions and webhooks.</summary>
    public static RouteGroupBuilder MapDestinations(this RouteGroupBuilder group)
    {
        group.MapGet("/destinations", GetDestinations)
            .WithName("GetDestinations")
            .WithSummary("The destinations in force; every secret shows as ***.");
        return group;
    }

    private static Ok<DestinationView[]> GetDestinations(ActiveConfiguration configuration) => TypedResults.Ok(All(configuration.Current));

    /// <summary>Every destination as the management API and the console show it.</summary>
    public static DestinationView[] All(BridgeModel model)
    {
        var tls = model.Parts.Get<DestinationTlsByHost>();
        return model.Options.Destinations
            .OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase)
            .Select(d => (d, Certificate: Uri.TryCreate(d.Value.Url, UriKind.Absolute, out var url) ? tls.For(url.IdnHost)?.ClientCertificate : null))
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
    }

    private static string? Mask(string? secret) => string.IsNullOrEmpty(secret) ? null : Masked;
}
