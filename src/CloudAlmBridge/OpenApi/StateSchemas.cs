using System.Text.Json.Nodes;
using CloudAlmBridge.Ingestion;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

/// <summary>
/// The delivery states as enums where they appear as text (the wire keeps them strings, as Cloud ALM mappings read
/// them): each field lists exactly the states it can carry, so a client can switch on them.
/// </summary>
internal sealed class StateSchemas : IOpenApiSchemaTransformer, IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property && StatesOf(property.DeclaringType, property.Name) is { } states)
        {
            schema.Enum = Values(states);
            if (property.DeclaringType == typeof(EventAnswer))
            {
                // Not a delivery's state but its situation's: a pending event of a held situation.
                schema.Enum.Add(JsonValue.Create(EventAnswer.Held));
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
            state.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(DeliveryStateExtensions.Stored) };
        }

        return Task.CompletedTask;
    }

    private static IReadOnlyList<DeliveryState>? StatesOf(Type type, string property) => property switch
    {
        // Every value: a 2xx answer carries Queued, Retrying, Delivered or Skipped; the 502 problem of a dead letter or
        // a failed PING carries DeadLettered or Failed in the same field.
        "deliveryState" when type == typeof(EventAnswer) => Enum.GetValues<DeliveryState>(),
        "state" when type == typeof(DeliveryView) => DeliveryStateExtensions.Stored,
        "outcome" when type == typeof(AttemptView) => DeliveryStateExtensions.AttemptOutcomes,
        _ => null,
    };

    private static List<JsonNode> Values(IEnumerable<DeliveryState> states) => [.. states.Select(s => (JsonNode)JsonValue.Create(s.ToString()))];
}
