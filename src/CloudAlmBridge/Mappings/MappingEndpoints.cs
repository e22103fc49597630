using System.ComponentModel;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Input;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CloudAlmBridge.Mappings;

/// <summary>The mapping management API (docs/api.md §4): list, read, put, delete, and the dry-run preview.</summary>
internal static class MappingEndpoints
{
    private const string NameParameter = "The mapping's name: a built-in (servicenow-incident, servicenow-case, jira-issue), a key under Bridge:Mappings, or one put over this API; compared ignoring case.";
    private const string UnknownMappingWhen = "No mapping of this name exists.";
    private const string UnknownMappingDetail = "No mapping 'acme-incident' exists.";
    private const string ReadOnlyWhen = "The mapping is built in or comes from the configuration: only mappings put over this API can be changed.";
    private const string ReadOnlyDetail = "'servicenow-incident' is a built-in mapping; copy it under another name to change it.";
    private const string StaleWhen = "If-Match does not match the stored version (or the mapping does not exist): read it again.";
    private const string StaleDetail = "Mapping 'acme-incident' is at \"api-18\", not the version in If-Match; read it again before changing it.";

    public static IHostApplicationBuilder AddBridgeMappings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StoredMappings>();
        builder.Services.AddHostedService<StoredMappingsRefresher>();
        builder.Services.AddSingleton<MappingCatalog>();
        builder.Services.AddSingleton<MappingChanges>();
        builder.Services.AddSingleton<IMappingDefaults, BuiltInMappingDefaults>();
        builder.Services.AddConfigurationRule<MappingRules>();
        return builder;
    }

    public static RouteGroupBuilder MapMappings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/mappings")
            .WithTags("Mappings")
            .RequireAuthorization(Roles.Admin)
            .AddEndpointFilter(async (context, next) =>
            {
                // Another instance may have written a moment ago: what this one shows and compares (ETag, If-Match)
                // is the database's, not a second old.
                await context.HttpContext.RequestServices.GetRequiredService<StoredMappings>().RefreshAsync(context.HttpContext.RequestAborted);
                return await next(context);
            });

        group.MapGet("/", List)
            .WithName("ListMappings")
            .WithSummary("All mappings: name, origin (builtin, configuration, api), version, updated at.");
        group.MapGet("/{name}", Get)
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownMapping", UnknownMappingWhen, "Unknown mapping", UnknownMappingDetail)
            .WithName("GetMapping")
            .WithSummary("The mapping document as stored, with its ETag.");
        group.MapPut("/{name}", PutAsync)
            .AcceptsJsonBody<JsonElement>()
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidName", "The name is not a valid mapping name.", "Invalid mapping name",
                "'acme incidents' is not a valid mapping name: use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit.")
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidMapping", "The document is not JSON or not a valid mapping: every error is listed with its JSON path; the stored version stays.",
                "Invalid mapping", "The mapping document has 1 error(s); the stored version is unchanged.",
                ["unknown switch 'switchUrgncy' at structure.request.urgency; did you mean 'switchUrgency'?"])
            .AnswersProblem(StatusCodes.Status409Conflict, "readOnly", ReadOnlyWhen, "Mapping is read-only", ReadOnlyDetail)
            .AnswersProblem(StatusCodes.Status412PreconditionFailed, "stale", StaleWhen, "Mapping changed", StaleDetail)
            .AnswersProblem(StatusCodes.Status413PayloadTooLarge, "bodyTooLarge", "The document is over Bridge:Inbound:MaxBodyBytes.", "Body too large",
                "A mapping document may have at most 1048576 bytes.")
            .WithName("PutMapping")
            .WithSummary("Creates or replaces a mapping (an SAP-format document, unchanged); If-Match is honoured.")
            .WithDescription("201 when the mapping is new, 200 when it replaced one; both with the new ETag. Without If-Match the write is unconditional; with If-Match: * the mapping must exist; with an ETag it must still be that version. 400 lists every error with its JSON path and the stored version stays; 409 for built-in and configuration mappings; 412 when If-Match does not match.");
        group.MapDelete("/{name}", DeleteAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownMapping", UnknownMappingWhen, "Unknown mapping", UnknownMappingDetail)
            .AnswersProblem(StatusCodes.Status409Conflict, "readOnly", ReadOnlyWhen, "Mapping is read-only", ReadOnlyDetail)
            .AnswersProblem(StatusCodes.Status409Conflict, "inUse", "A subscription uses the mapping.", "Mapping in use",
                "Mapping 'acme-incident' is used by subscription(s) calm-to-snow; point them at another mapping first.")
            .AnswersProblem(StatusCodes.Status412PreconditionFailed, "stale", StaleWhen, "Mapping changed", StaleDetail)
            .WithName("DeleteMapping")
            .WithSummary("Deletes a mapping put over the API; 409 while a subscription uses it.");
        group.MapPost("/{name}/preview", PreviewNamedAsync)
            .AcceptsJsonBody<PreviewRequest>()
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownMapping", UnknownMappingWhen, "Unknown mapping", UnknownMappingDetail)
            .AnswersPreviewProblems()
            .WithName("PreviewMapping")
            .WithSummary("A dry run that sends nothing: the request the mapping makes for a message, and what it reads from a sample answer.");
        group.MapPost("/preview", PreviewInlineAsync)
            .AcceptsJsonBody<PreviewRequest>()
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidMapping", "The inline mapping is missing or invalid: every error is listed with its JSON path.",
                "Invalid mapping", "The mapping document has 1 error(s).",
                ["mapping.unknown switch 'switchUrgncy' at structure.request.urgency; did you mean 'switchUrgency'?"])
            .AnswersPreviewProblems()
            .WithName("PreviewInlineMapping")
            .WithSummary("The same, with the mapping document inline as 'mapping'.");
        return group;
    }

    /// <summary>What both previews can refuse.</summary>
    private static RouteHandlerBuilder AnswersPreviewProblems(this RouteHandlerBuilder builder) => builder
        .AnswersProblem(StatusCodes.Status400BadRequest, "invalidPreview", "The preview request is not JSON, or a member is of the wrong type, or its message is invalid.",
            "Invalid preview", "The preview request is invalid.",
            ["userVariables.closeCode: not of the expected type (subscription, cloudAlmUrl, externalId and every user variable are strings; message, response and mapping are JSON)"])
        .AnswersProblem(StatusCodes.Status413PayloadTooLarge, "bodyTooLarge", "The body is over four times Bridge:Inbound:MaxBodyBytes.", "Body too large",
            "A preview may have at most 4194304 bytes.")
        .AnswersProblem(StatusCodes.Status422UnprocessableEntity, "noOperation", "The mapping has no operation for the message's event type.",
            "No operation for this event type",
            "The mapping has no operation for 'EVENT-SITUATION.DELETED'; it has: EVENT-SITUATION.CREATED, EVENT-SITUATION.UPDATED, EVENT-SITUATION.CLOSED, EVENT-SITUATION.PING.");

    private static Ok<MappingSummary[]> List(MappingCatalog catalog) =>
        TypedResults.Ok(catalog.All().Select(Summarize).ToArray());

    private static Results<ContentHttpResult, ProblemHttpResult> Get([Description(NameParameter)] string name, MappingCatalog catalog, HttpResponse response)
    {
        if (catalog.Find(name) is not { } entry)
        {
            return NotFound(name);
        }

        response.Headers.ETag = entry.ETag;
        return TypedResults.Content(entry.Json, "application/json; charset=utf-8");
    }

    private static async Task<Results<Created<MappingSummary>, Ok<MappingSummary>, ProblemHttpResult>> PutAsync(
        [Description(NameParameter)] string name, HttpRequest request, MappingChanges changes, ActiveConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var document = await RequestBody.ReadAsync(request, configuration.Current.Options.Inbound.MaxBodyBytes, cancellationToken);
        var result = await changes.SaveAsync(name, document, IfMatch(request), cancellationToken);
        switch (result.Outcome)
        {
            case MappingChangeOutcome.Created:
                request.HttpContext.Response.Headers.ETag = result.Entry!.ETag;
                return TypedResults.Created(PublicLinks.To(configuration.Current, $"/api/v1/mappings/{Uri.EscapeDataString(name)}"), Summarize(result.Entry));
            case MappingChangeOutcome.Replaced:
                request.HttpContext.Response.Headers.ETag = result.Entry!.ETag;
                return TypedResults.Ok(Summarize(result.Entry));
            default:
                return Refused(result);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync([Description(NameParameter)] string name, HttpRequest request,
        MappingChanges changes, CancellationToken cancellationToken)
    {
        var result = await changes.DeleteAsync(name, IfMatch(request), cancellationToken);
        return result.Outcome == MappingChangeOutcome.Deleted ? TypedResults.NoContent() : Refused(result);
    }

    private static async Task<Results<Ok<PreviewAnswer>, ProblemHttpResult>> PreviewNamedAsync([Description(NameParameter)] string name, HttpRequest request,
        MappingCatalog catalog, ActiveConfiguration configuration, CancellationToken cancellationToken)
    {
        if (catalog.Find(name) is not { } entry)
        {
            return NotFound(name);
        }

        var (preview, refused) = await ReadPreviewAsync(request, configuration.Current, cancellationToken);
        return refused ?? Answer(MappingPreview.Run(entry.Document, preview!, configuration.Current));
    }

    private static async Task<Results<Ok<PreviewAnswer>, ProblemHttpResult>> PreviewInlineAsync(HttpRequest request,
        ActiveConfiguration configuration, CancellationToken cancellationToken)
    {
        var (preview, refused) = await ReadPreviewAsync(request, configuration.Current, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (preview!.Mapping is not { ValueKind: JsonValueKind.Object } mapping)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid preview", "The body needs 'mapping': the mapping document.",
                ["mapping: required, a JSON object"]);
        }

        var compilation = MappingDocument.Compile(mapping);
        return compilation.Document is null
            ? Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping",
                $"The mapping document has {compilation.Errors.Count} error(s).", compilation.Errors.Select(e => $"mapping.{e}"))
            : Answer(MappingPreview.Run(compilation.Document, preview, configuration.Current));
    }

    /// <summary>
    /// The preview request, read by hand rather than bound: every refusal (malformed JSON, a lone surrogate in a
    /// sample answer, a number where a user variable's text belongs) is a 400 naming its path, never an exception.
    /// </summary>
    private static async Task<(PreviewRequest? Preview, ProblemHttpResult? Refused)> ReadPreviewAsync(HttpRequest request,
        BridgeModel model, CancellationToken cancellationToken)
    {
        var limit = model.Options.Inbound.MaxRequestBytes;
        var body = await RequestBody.ReadAsync(request, limit, cancellationToken);
        if (body is null)
        {
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A preview may have at most {limit} bytes."));
        }

        using var document = JsonInput.Parse(body.Value, string.Empty, out var problem);
        if (document is null)
        {
            return (null, InvalidPreview(problem!));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, InvalidPreview("the body must be a JSON object {message, subscription, userVariables, cloudAlmUrl, externalId, response, mapping}"));
        }

        try
        {
            return (document.RootElement.Deserialize<PreviewRequest>(JsonSerializerOptions.Web), null);
        }
        catch (JsonException exception)
        {
            var path = exception.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body";
            return (null, InvalidPreview($"{path}: not of the expected type (subscription, cloudAlmUrl, externalId and every user variable are strings; message, response and mapping are JSON)"));
        }
    }

    private static ProblemHttpResult InvalidPreview(string problem) =>
        Problems.Create(StatusCodes.Status400BadRequest, "Invalid preview", "The preview request is invalid.", [problem]);

    private static Results<Ok<PreviewAnswer>, ProblemHttpResult> Answer(PreviewOutcome outcome)
    {
        if (outcome.Answer is { } answer)
        {
            return TypedResults.Ok(answer);
        }

        return outcome.MissingEventType is { } eventType
            ? Problems.Create(StatusCodes.Status422UnprocessableEntity, "No operation for this event type",
                $"The mapping has no operation for '{eventType}'; it has: {string.Join(", ", outcome.KnownEventTypes)}.")
            : Problems.Create(StatusCodes.Status400BadRequest, "Invalid preview", "The preview request is invalid.", outcome.Problems);
    }

    /// <summary>
    /// No If-Match: unconditional. <c>*</c>: the mapping must exist. A tag: it must be the current one (If-Match
    /// compares strongly, RFC 9110: a weak tag never matches).
    /// </summary>
    private static MappingPrecondition IfMatch(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Headers.IfMatch.ToString()))
        {
            return MappingPrecondition.None;
        }

        var tags = EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var parsed) ? parsed : [];
        return MappingPrecondition.IfMatchTags(tags.Where(t => !t.IsWeak).Select(t => t.Tag.ToString()), tags.Any(t => t.Tag == "*"));
    }

    /// <summary>A change the use case refused, as its problem (docs/api.md §4).</summary>
    private static ProblemHttpResult Refused(MappingChangeResult result) => result.Outcome switch
    {
        MappingChangeOutcome.Unknown => Problems.Create(StatusCodes.Status404NotFound, "Unknown mapping", result.Detail),
        MappingChangeOutcome.InvalidName => Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping name", result.Detail),
        MappingChangeOutcome.ReadOnly => Problems.Create(StatusCodes.Status409Conflict, "Mapping is read-only", result.Detail),
        MappingChangeOutcome.InUse => Problems.Create(StatusCodes.Status409Conflict, "Mapping in use", result.Detail),
        MappingChangeOutcome.Stale => Problems.Create(StatusCodes.Status412PreconditionFailed, "Mapping changed", result.Detail),
        MappingChangeOutcome.TooLarge => Problems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large", result.Detail),
        MappingChangeOutcome.NotJson => Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping", result.Detail,
            result.Errors.Select(e => e.Message)),
        MappingChangeOutcome.Invalid => Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping", result.Detail,
            result.Errors.Select(e => e.ToString())),
        _ => throw new InvalidOperationException($"A mapping change that ended {result.Outcome} is no refusal."),
    };

    private static MappingSummary Summarize(MappingEntry entry) => new(
        entry.Name,
        entry.Origin.WireName(),
        entry.Version,
        entry.UpdatedAt,
        entry.Document.Name,
        entry.ETag);

    private static ProblemHttpResult NotFound(string name) =>
        Problems.Create(StatusCodes.Status404NotFound, "Unknown mapping", $"No mapping '{name}' exists.");
}
