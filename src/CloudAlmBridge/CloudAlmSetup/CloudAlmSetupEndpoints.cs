using System.ComponentModel;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.CloudAlmSetup;

/// <summary>What to configure on the Cloud ALM side for a subscription (docs/api.md §4).</summary>
internal static class CloudAlmSetupEndpoints
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static RouteGroupBuilder MapCloudAlmSetup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/subscriptions")
            .WithTags("Configuration")
            .RequireAuthorization(Roles.Admin);

        group.MapGet("/{name}/cloud-alm-mapping", GetMapping)
            .WithName("GetCloudAlmMapping")
            .WithSummary("The payload-based mapping to paste into Cloud ALM's Mappings Management for this subscription.")
            .WithDescription("Its operations send the complete change message to the bridge's routes (CREATED: POST to the webhook path; UPDATED: PATCH, CLOSED and DELETED: POST, PING: GET to /{externalId}) and its response section reads externalId, externalNumber, externalStatus and displayUrl from the bridge's answer.")
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownSubscription", "No subscription of this name is configured.",
                "Unknown subscription", "No subscription 'calm-to-snow' is configured.");
        return group;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> GetMapping(
        [Description("The subscription's name under Bridge:Subscriptions, e.g. demo.")] string name, ActiveConfiguration configuration)
    {
        if (configuration.Current.FindSubscription(name) is not { } subscription)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown subscription", $"No subscription '{name}' is configured.");
        }

        // Indented: it is meant to be read and pasted by a person.
        return TypedResults.Content(CloudAlmMapping.For(subscription.Name).ToJsonString(Indented), "application/json; charset=utf-8");
    }
}
