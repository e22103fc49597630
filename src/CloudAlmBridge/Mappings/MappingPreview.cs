using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Mappings;

/// <summary>Evaluates a mapping against a message exactly as a delivery would, without sending anything.</summary>
internal static class MappingPreview
{
    /// <summary>The fields a Cloud ALM response mapping reads from the bridge's answer; always present, null when unmapped.</summary>
    private static readonly string[] StandardFields = ["externalId", "externalNumber", "externalStatus", "displayUrl"];

    public static PreviewOutcome Run(MappingDocument document, PreviewRequest request, BridgeModel model)
    {
        if (request.Message.ValueKind != JsonValueKind.Object)
        {
            return PreviewOutcome.Invalid(["message: required, the change message {subscriptionId, resourceType, eventType, resourceId, resource}"]);
        }

        var (message, problems) = ChangeMessageReader.Read(request.Message, eventSituationsOnly: false);
        if (message is null)
        {
            return PreviewOutcome.Invalid(problems.Select(p => $"message.{p}").ToList());
        }

        ResolvedSubscription? subscription = null;
        if (request.Subscription is { Length: > 0 } name && (subscription = model.FindSubscription(name)) is null)
        {
            return PreviewOutcome.Invalid([$"subscription: unknown subscription '{name}'"]);
        }

        var operation = document.FindOperation(message.EventType);
        if (operation is null)
        {
            return PreviewOutcome.NoOperation(message.EventType, document.Operations.Select(o => o.EventType).ToList());
        }

        var userVariables = new Dictionary<string, string>(subscription?.Options.UserVariables ?? [], StringComparer.Ordinal);
        foreach (var (key, value) in request.UserVariables ?? [])
        {
            userVariables[key] = value;
        }

        var context = new MappingContext(message.Resource, userVariables,
            request.CloudAlmUrl ?? subscription?.Options.CloudAlmUrl, request.ExternalId);
        var path = operation.RenderPath(context);
        var body = operation.RenderRequest(context);
        var httpRequest = new PreviewHttpRequest(
            operation.Method,
            subscription is null ? path : subscription.Webhook.ResourceUrl + path,
            body is null ? null : JsonDocument.Parse(body).RootElement.Clone());

        JsonObject? response = null;
        if (request.Response is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } sample)
        {
            var mapped = operation.MapResponse(sample, context);
            var fields = mapped.ToJson();
            response = new JsonObject { ["externalId"] = mapped.TicketId };
            foreach (var field in StandardFields.Skip(1))
            {
                response[field] = fields.TryGetProperty(field, out var value) ? JsonNode.Parse(value.GetRawText()) : null;
            }

            foreach (var field in fields.EnumerateObject().Where(f => !StandardFields.Contains(f.Name)))
            {
                response[field.Name] = JsonNode.Parse(field.Value.GetRawText());
            }
        }

        return PreviewOutcome.Done(new PreviewAnswer(message.EventType, httpRequest, response));
    }
}

/// <summary>A preview's answer, or why there is none.</summary>
internal sealed record PreviewOutcome(PreviewAnswer? Answer, IReadOnlyList<string> Problems, string? MissingEventType, IReadOnlyList<string> KnownEventTypes)
{
    public static PreviewOutcome Done(PreviewAnswer answer) => new(answer, [], null, []);

    public static PreviewOutcome Invalid(IReadOnlyList<string> problems) => new(null, problems, null, []);

    public static PreviewOutcome NoOperation(string eventType, IReadOnlyList<string> known) => new(null, [], eventType, known);
}
