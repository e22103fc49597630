using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Configuration;

/// <summary>The configuration in force, read-only (docs/api.md §4). Secrets are never returned: they show as <c>***</c>.</summary>
internal static class ConfigurationEndpoints
{
    public const string Masked = "***";

    public static RouteGroupBuilder MapConfigurationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1")
            .WithTags("Configuration")
            .RequireAuthorization(Roles.Admin);

        group.MapGet("/subscriptions", GetSubscriptions)
            .WithName("GetSubscriptions")
            .WithSummary("The subscriptions in force, with their resolved webhook and mapping.");
        group.MapGet("/webhooks", GetWebhooks)
            .WithName("GetWebhooks")
            .WithSummary("The webhooks in force.");
        group.MapGet("/destinations", GetDestinations)
            .WithName("GetDestinations")
            .WithSummary("The destinations in force; every secret shows as ***.");
        return group;
    }

    private static string? Mask(string? secret) => string.IsNullOrEmpty(secret) ? null : Masked;

    internal static Ok<SubscriptionView[]> GetSubscriptions(ActiveConfiguration configuration) =>
        TypedResults.Ok(configuration.Current.Options.Subscriptions
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
            .Select(s => new SubscriptionView(
                s.Key,
                s.Value.ResourceType,
                s.Value.Webhook ?? string.Empty,
                configuration.Current.FindSubscription(s.Key)?.MappingName ?? s.Value.Mapping ?? string.Empty,
                s.Value.UserVariables,
                s.Value.CloudAlmUrl,
                s.Value.Enabled))
            .ToArray());

    internal static Ok<WebhookView[]> GetWebhooks(ActiveConfiguration configuration) =>
        TypedResults.Ok(configuration.Current.Options.Webhooks
            .OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase)
            .Select(w => new WebhookView(w.Key, w.Value.Destination ?? string.Empty, w.Value.Path, w.Value.DestinationType.ToUpperInvariant(),
                w.Value.ExternalResourceType))
            .ToArray());

    internal static Ok<DestinationView[]> GetDestinations(ActiveConfiguration configuration)
    {
        var model = configuration.Current;
        return TypedResults.Ok(model.Options.Destinations
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
            .ToArray());
    }
}
