using System.Text.Json.Nodes;
using CloudAlmBridge.Errors;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

/// <summary>
/// Request bodies for routes that read their JSON by hand, and examples for bodies and answers: Swagger UI fills the
/// request with them, so "Try it out" sends a real change message, mapping or preview, and shows what comes back.
/// </summary>
internal sealed class BodyExamples : IOpenApiOperationTransformer
{
    private const string Json = "application/json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        // Routes that read their JSON body by hand (AcceptsJsonBody) have no body parameter to describe it.
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [Json] = new() { Schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken) },
                },
            };
        }

        var media = operation.RequestBody?.Content is { } content && content.TryGetValue(Json, out var found) ? found : null;
        switch (operation.OperationId)
        {
            case "PostEvent" or "PostEventForTicket" or "PatchEventForTicket" or "PutEventForTicket":
                if (media is not null)
                {
                    media.Examples = Examples.ChangeMessages.ToDictionary(
                        m => m.Name, m => (IOpenApiExample)new OpenApiExample { Summary = m.Summary, Value = JsonNode.Parse(m.Json) });
                }

                DescribeAnswers(operation, Examples.EventAnswers["event"]!.AsObject());
                break;
            case "GetTicketStatus":
                DescribeAnswers(operation, Examples.EventAnswers["ping"]!.AsObject());
                break;
            case "PutMapping" when media is not null:
                media.Example = JsonNode.Parse(Examples.Mapping);
                break;
            case "PreviewMapping" when media is not null:
                media.Example = JsonNode.Parse(Examples.Preview);
                break;
            case "PreviewInlineMapping" when media is not null:
                media.Example = JsonNode.Parse(Examples.InlinePreview);
                break;
        }
    }

    /// <summary>Each success the operation answers gets its description and named examples, from <paramref name="answers"/> by status.</summary>
    private static void DescribeAnswers(OpenApiOperation operation, JsonObject answers)
    {
        foreach (var (status, answer) in answers)
        {
            if (operation.Responses?.TryGetValue(status, out var declared) is not true || declared is not OpenApiResponse response
                || response.Content?.TryGetValue(Json, out var media) is not true)
            {
                continue;
            }

            response.Description = answer!["description"]!.GetValue<string>();
            media!.Examples = answer["examples"]!.AsObject().ToDictionary(
                e => e.Key,
                e => (IOpenApiExample)new OpenApiExample { Summary = e.Value!["summary"]!.GetValue<string>(), Value = e.Value["value"]!.DeepClone() });
        }
    }
}
