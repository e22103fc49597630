using System.Text.Json.Nodes;
using CloudAlmBridge.Ingestion;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

/// <summary>
/// The delivery states, attempt outcomes and what a delivery did to its ticket (<c>action</c>: <c>Create</c>,
/// <c>Reopen</c>, …) as enums where they appear as text (the wire keeps them strings, as Cloud
/// ALM mappings read them): each field lists exactly the values it can carry, so a client can switch on them.
/// </summary>
internal sealed class StateSchemas : IOpenApiSchemaTransformer, IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property && StatesOf(property.DeclaringType, property.Name) is { } states)
        {
            schema.Enum = Values(states);
            if (property.Name == "action")
            {
                // A delivery not yet attempted has no action: null is one of its values.
                schema.Enum.Add(null!);
            }

            if (property.DeclaringType == typeof(EventAnswer))
            {
                // Not a delivery's state but its situation's: a pending event of a held situation, a finished event
                // of a situation that joined a group's ticket.
                schema.Enum.Add(JsonValue.Create(EventAnswer.Held));
                schema.Enum.Add(JsonValue.Create(EventAnswer.Grouped));

                // A pending event a maintenance window holds back: stored, nothing sent until the window's end.
                schema.Enum.Add(JsonValue.Create(EventAnswer.Maintenance));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The deliveries list's <c>state</c> filter takes the states a stored delivery can be in.</summary>
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId == "ListDeliveries"
            && operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == "state") is { } state)
        {
            state.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(Enum.GetNames<DeliveryState>()) };
        }

        return Task.CompletedTask;
    }

    private static IReadOnlyList<string>? StatesOf(Type type, string property) => property switch
    {
        // A 2xx answer carries Queued, Retrying, Delivered or Skipped; the 502 problem of a dead letter carries
        // DeadLettered in the same field, and that of a failed PING its attempt's outcome, Failed (or Refused, when the
        // bridge's own configuration would not send the read).
        "deliveryState" when type == typeof(EventAnswer) => [.. Enum.GetNames<DeliveryState>(), nameof(AttemptOutcome.Failed), nameof(AttemptOutcome.Refused)],
        "state" when type == typeof(DeliveryView) => Enum.GetNames<DeliveryState>(),

        // Reopen: the delivery reopened a ticket the bridge had resolved for another situation of the same service and
        // event (the ticket's reopenedFrom names it), instead of creating one.
        "action" when type == typeof(DeliveryView) => Enum.GetNames<LifecycleAction>(),
        "outcome" when type == typeof(AttemptView) => Enum.GetNames<AttemptOutcome>(),
        _ => null,
    };

    private static List<JsonNode> Values(IEnumerable<string> names) => [.. names.Select(n => (JsonNode)JsonValue.Create(n))];
}
