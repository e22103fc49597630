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
        [Description(NameParameter)] string name, HttpRequest request, MappingCatalog catalog, StoredMappings stored, ActiveConfiguration configuration,
        TimeProvider timeProvider, ILogger<MappingCatalog> logger, CancellationToken cancellationToken)
    {
        if (!MappingNames.IsValid(name))
        {
            return InvalidName(name);
        }

        var existing = catalog.Find(name);
        if (existing is { Origin: not MappingOrigin.Api })
        {
            return ReadOnly(existing);
        }

        if (!MatchesIfMatch(request, existing, out var expectedRevision))
        {
            return Stale(name, existing);
        }

        var body = await RequestBody.ReadAsync(request, configuration.Current.Options.Inbound.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large",
                $"A mapping document may have at most {configuration.Current.Options.Inbound.MaxBodyBytes} bytes.");
        }

        using var parsed = JsonInput.Parse(body.Value, string.Empty, out var problem);
        if (parsed is null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping",
                "The mapping document is not readable JSON; the stored version is unchanged.", [problem!]);
        }

        // Stored as sent, byte for byte: SAP's documents are accepted unchanged.
        var json = System.Text.Encoding.UTF8.GetString(body.Value.Span);
        var compilation = MappingDocument.Compile(parsed.RootElement);
        if (compilation.Document is null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping",
                $"The mapping document has {compilation.Errors.Count} error(s); the stored version is unchanged.",
                compilation.Errors.Select(e => e.ToString()));
        }

        var entry = await stored.SaveAsync(name, json, compilation.Document, expectedRevision, timeProvider.GetUtcNow(), cancellationToken);
        if (entry is null)
        {
            // Another writer changed the mapping between our read and our write.
            return Stale(name, catalog.Find(name));
        }

        MappingLog.MappingStored(logger, name, entry.Version);
        request.HttpContext.Response.Headers.ETag = entry.ETag;
        var summary = Summarize(entry);
        return existing is null
            ? TypedResults.Created(PublicLinks.To(configuration.Current, $"/api/v1/mappings/{Uri.EscapeDataString(name)}"), summary)
            : TypedResults.Ok(summary);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync([Description(NameParameter)] string name, HttpRequest request,
        MappingCatalog catalog, StoredMappings stored, ILogger<MappingCatalog> logger, CancellationToken cancellationToken)
    {
        if (catalog.Find(name) is not { } existing)
        {
            return NotFound(name);
        }

        if (existing.Origin != MappingOrigin.Api)
        {
            return ReadOnly(existing);
        }

        if (catalog.UsedBy(name) is { Count: > 0 } subscriptions)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Mapping in use",
                $"Mapping '{name}' is used by subscription(s) {string.Join(", ", subscriptions)}; point them at another mapping first.");
        }

        if (!MatchesIfMatch(request, existing, out var expectedRevision))
        {
            return Stale(name, existing);
        }

        if (!await stored.DeleteAsync(name, expectedRevision, cancellationToken))
        {
            return Stale(name, catalog.Find(name));
        }

        MappingLog.MappingDeleted(logger, name);
        return TypedResults.NoContent();
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
    /// No If-Match: unconditional. <c>*</c>: the mapping must exist. A tag: it must be the current one. The version
    /// that was matched is handed to the store, which writes only if it is still current.
    /// </summary>
    private static bool MatchesIfMatch(HttpRequest request, MappingEntry? existing, out long? expectedRevision)
    {
        expectedRevision = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        if (existing is null)
        {
            return false;
        }

        var tags = EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var parsed) ? parsed : [];
        if (tags.Any(t => !t.IsWeak && t.Tag == existing.ETag))
        {
            expectedRevision = existing.Revision;
            return true;
        }

        // "*" only asks that the mapping exists (it does): any revision will do.
        return tags.Any(t => t.Tag == "*");
    }

    private static MappingSummary Summarize(MappingEntry entry) => new(
        entry.Name,
        entry.Origin switch { MappingOrigin.BuiltIn => "builtin", MappingOrigin.Configuration => "configuration", _ => "api" },
        entry.Version,
        entry.UpdatedAt,
        entry.Document.Name,
        entry.ETag);

    private static ProblemHttpResult NotFound(string name) =>
        Problems.Create(StatusCodes.Status404NotFound, "Unknown mapping", $"No mapping '{name}' exists.");

    private static ProblemHttpResult InvalidName(string name) =>
        Problems.Create(StatusCodes.Status400BadRequest, "Invalid mapping name", MappingNames.Refusal(name));

    private static ProblemHttpResult ReadOnly(MappingEntry entry) =>
        Problems.Create(StatusCodes.Status409Conflict, "Mapping is read-only",
            entry.Origin == MappingOrigin.BuiltIn
                ? $"'{entry.Name}' is a built-in mapping; copy it under another name to change it."
                : $"'{entry.Name}' comes from the configuration (Bridge:Mappings:{entry.Name}); change its file instead.");

    private static ProblemHttpResult Stale(string name, MappingEntry? current) =>
        Problems.Create(StatusCodes.Status412PreconditionFailed, "Mapping changed",
            current is null
                ? $"Mapping '{name}' does not exist, so If-Match cannot match."
                : $"Mapping '{name}' is at {current.ETag}, not the version in If-Match; read it again before changing it.");

}
