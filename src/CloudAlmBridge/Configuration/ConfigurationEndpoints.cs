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

    private static Ok<SubscriptionView[]> GetSubscriptions(ActiveConfiguration configuration) =>
        TypedResults.Ok(ConfigurationViews.Subscriptions(configuration.Current));

    private static Ok<WebhookView[]> GetWebhooks(ActiveConfiguration configuration) =>
        TypedResults.Ok(ConfigurationViews.Webhooks(configuration.Current));
}
