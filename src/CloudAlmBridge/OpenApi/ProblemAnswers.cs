using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace CloudAlmBridge.OpenApi;

/// <summary>
/// Every problem an operation can answer, each with a description and named <c>application/problem+json</c>
/// examples: those its route declares (<see cref="ProblemExampleExtensions.AnswersProblem"/>), and those the
/// middleware in front of every route answers: 401 and 403 where a role is required, 413 for a body over the cap,
/// 429 over the caller's rate limit.
/// </summary>
internal sealed class ProblemAnswers : IOpenApiOperationTransformer
{
    private const string ProblemJson = "application/problem+json";

    // Every problem carries the trace id of its request (see AddBridgeErrors), to find its log lines.
    private const string TraceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    private static readonly ProblemExample Unauthorized = new(StatusCodes.Status401Unauthorized, "unauthorized",
        "No credentials, or wrong ones: log in with a client of Bridge:Security:Clients (Basic, or a bearer token from /oauth/token).",
        null, null);

    private static readonly ProblemExample TooLarge = new(StatusCodes.Status413PayloadTooLarge, "bodyTooLarge",
        "The body is over the bridge's cap (four times Bridge:Inbound:MaxBodyBytes).", "Body too large",
        "The request body may have at most 4194304 bytes here.");

    private static readonly ProblemExample TooManyRequests = new(StatusCodes.Status429TooManyRequests, "tooManyRequests",
        "The caller is over its rate limit: try again after Retry-After seconds.", "Too many requests", SecurityExtensions.RateLimitDetail);

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var problems = metadata.OfType<ProblemExample>().ToList();
        if (OperationAccess.RequiredRoles(metadata) is { } roles)
        {
            problems.Add(Unauthorized);
            problems.Add(new ProblemExample(StatusCodes.Status403Forbidden, "forbidden",
                $"The client is known but lacks the role {string.Join(" or ", roles.Select(r => $"'{r}'"))}.", null, null));
        }

        if (operation.RequestBody is not null && problems.All(p => p.StatusCode != StatusCodes.Status413PayloadTooLarge))
        {
            problems.Add(TooLarge);
        }

        if (!metadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            problems.Add(TooManyRequests);
        }

        operation.Responses ??= new OpenApiResponses();
        foreach (var status in problems.GroupBy(p => p.StatusCode))
        {
            var key = status.Key.ToString(CultureInfo.InvariantCulture);
            var response = operation.Responses.TryGetValue(key, out var declared) && declared is OpenApiResponse known ? known : new OpenApiResponse();
            response.Description = string.Join(" ", status.Select(p => p.When).Distinct(StringComparer.Ordinal));
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            if (!response.Content.TryGetValue(ProblemJson, out var media))
            {
                media = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) };
                response.Content[ProblemJson] = media;
            }

            media.Examples = status.DistinctBy(p => p.Name).ToDictionary(p => p.Name, p => (IOpenApiExample)new OpenApiExample
            {
                Summary = p.When,
                Value = Body(p),
            });
            operation.Responses[key] = response;
        }

        // Successes first, then the problems by status, as a reader looks for them.
        var sorted = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (key, response) in sorted)
        {
            operation.Responses[key] = response;
        }

        return Task.CompletedTask;
    }

    private static JsonNode Body(ProblemExample example)
    {
        var body = JsonSerializer.SerializeToNode(example.ToProblemDetails(), JsonSerializerOptions.Web)!.AsObject();
        body["traceId"] = TraceId;
        return body;
    }
}
