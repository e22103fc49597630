using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// The configuration in force, read-only (docs/api.md §4): subscriptions and webhooks; the destinations, with their
/// certificates, are <see cref="Delivery.DestinationEndpoints"/>' (mapped into this group).
/// </summary>
internal static class ConfigurationEndpoints
{
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
        return group;
    }

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
}
