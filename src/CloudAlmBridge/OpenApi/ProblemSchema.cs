using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

/// <summary>
/// The problem schema as the bridge's problems are: RFC 9457's members plus the ones it adds (the request's
/// <c>traceId</c>, every validation error, and what an event's or a token's problem carries), each described, so a
/// client generated from the document keeps them instead of dropping them.
/// </summary>
internal sealed class ProblemSchema : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null || !typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            return Task.CompletedTask;
        }

        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        Add(schema, "traceId", JsonSchemaType.String, "The W3C trace id of the request: its log lines carry it.");
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = new OpenApiSchema { Type = JsonSchemaType.String },
            Description = "Every problem found (a change message's, a mapping's at its JSON path), not the first only.",
        };
        Add(schema, "deliveryId", JsonSchemaType.Integer, "The stored delivery the problem is about (an event's dead letter).", "int64");
        Add(schema, "deliveryState", JsonSchemaType.String, "The delivery's state: DeadLettered or Failed for a refused delivery or PING, Held for a held situation, Maintenance for a situation a maintenance window holds back.");
        Add(schema, "maintenanceWindow", JsonSchemaType.String, "The maintenance window that holds the situation's events back (a PING of a situation without a ticket).");
        Add(schema, "externalId", JsonSchemaType.String, "The situation's id.");
        Add(schema, "targetStatus", JsonSchemaType.Integer, "The ticket system's HTTP status, when it refused.", "int32");
        Add(schema, "error", JsonSchemaType.String, "The token endpoint's OAuth 2.0 error code (RFC 6749 §5.2).");
        Add(schema, "error_description", JsonSchemaType.String, "The token endpoint's error in words.");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiSchema schema, string name, JsonSchemaType type, string description, string? format = null) =>
        schema.Properties![name] = new OpenApiSchema { Type = type | JsonSchemaType.Null, Description = description, Format = format };
}
