using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Console;

/// <summary>
/// The mapping playground: edit a mapping, see its errors at their JSON path, preview the request for a sample message
/// and what the response section reads from a sample answer, and save with If-Match. It runs the same code as the
/// REST routes: <see cref="MappingDocument.Compile(string)"/> (PUT's validation), <see cref="MappingPreview.Run"/>
/// (the preview routes) and <see cref="MappingChanges.SaveAsync"/> with the loaded version as the precondition
/// (PUT with If-Match).
/// </summary>
internal static class ConsolePlayground
{
    /// <summary>A sample answer for the response section: what ServiceNow's Table API returns for a new incident.</summary>
    private const string SampleAnswer = """
        {
          "result": {
            "sys_id": "c537bae64f411200adf9f8e18110c76e",
            "number": "INC0010002",
            "state": "1"
          }
        }
        """;

    private static readonly IReadOnlyList<SampleMessage> Samples =
    [
        .. Examples.ChangeMessages.Select(m => new SampleMessage(m.Name, m.Summary, m.Json)),
        new SampleMessage("paste", "Paste a message of your own", string.Empty),
    ];

    public static IResult Page(HttpContext context, string? mapping, MappingCatalog catalog, ActiveConfiguration configuration)
    {
        var entry = catalog.Find(mapping ?? string.Empty)
            ?? catalog.Find(configuration.Current.Subscriptions.Values.Select(s => s.MappingName).FirstOrDefault() ?? string.Empty)
            ?? catalog.All().First();
        var subscription = configuration.Current.Subscriptions.Values.FirstOrDefault(s => string.Equals(s.MappingName, entry.Name, StringComparison.OrdinalIgnoreCase));
        var model = Base(catalog, configuration) with
        {
            Name = entry.Name,
            ETag = entry.ETag,
            Origin = entry.Origin.WireName(),
            Json = entry.Json,
            Message = Samples[0].Json,
            Subscription = subscription?.Name ?? string.Empty,
            Response = SampleAnswer,
        };
        return Render(context, model, StatusCodes.Status200OK);
    }

    /// <summary><c>action=preview</c> (the default) or <c>action=save</c>; the form comes back with what happened.</summary>
    public static async Task<IResult> SubmitAsync(HttpContext context, MappingCatalog catalog, MappingChanges changes, ActiveConfiguration configuration,
        ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var sample = form["sample"].ToString();
        var message = form["message"].ToString();
        if (message.Trim().Length == 0 && Samples.FirstOrDefault(s => s.Key == sample) is { Json.Length: > 0 } chosen)
        {
            message = chosen.Json;
        }

        var model = Base(catalog, configuration) with
        {
            Name = form["name"].ToString().Trim(),
            ETag = form["etag"].ToString(),
            Origin = form["origin"].ToString(),
            Json = form["mapping"].ToString(),
            Sample = sample,
            Message = message,
            Subscription = form["subscription"].ToString(),
            Variables = form["variables"].ToString(),
            Response = form["response"].ToString(),
        };

        // The same input checks as PUT /api/v1/mappings/{name}: the size limit, UTF-8 and strings that decode.
        if (InputProblem(model.Json, configuration) is { } problem)
        {
            return Render(context, model with { Errors = [new MappingError(string.Empty, problem)] }, StatusCodes.Status400BadRequest);
        }

        var compilation = MappingDocument.Compile(model.Json);
        model = model with { Errors = compilation.Errors };
        if (compilation.Document is null)
        {
            return Render(context, model, StatusCodes.Status400BadRequest);
        }

        return form["action"] == "save"
            ? await SaveAsync(context, model, catalog, changes, logger, cancellationToken)
            : Preview(context, model, compilation.Document, configuration);
    }

    /// <summary>The errors as the playground's script shows them while the operator types: each with its JSON path.</summary>
    public static async Task<JsonHttpResult<ValidationAnswer>> ValidateAsync(HttpRequest request, ActiveConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        if (InputProblem(form["mapping"].ToString(), configuration) is { } problem)
        {
            return TypedResults.Json(new ValidationAnswer(false, [new ValidationError(string.Empty, problem, null)], []));
        }

        var compilation = MappingDocument.Compile(form["mapping"].ToString());
        return TypedResults.Json(new ValidationAnswer(
            compilation.Document is not null,
            compilation.Errors.Select(e => new ValidationError(e.Path, e.Message, e.Hint)).ToList(),
            compilation.Document?.Operations.Select(o => o.EventType).ToList() ?? []));
    }

    private static IResult Preview(HttpContext context, PlaygroundModel model, MappingDocument document, ActiveConfiguration configuration)
    {
        var problems = new List<string>();
        using var message = ParseJson(model.Message, "message", problems);
        using var response = model.Response.Trim().Length == 0 ? null : ParseJson(model.Response, "sample answer", problems);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in model.Variables.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add($"variables: '{line}' is not name=value");
                continue;
            }

            variables[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        if (problems.Count > 0)
        {
            return Render(context, model with { Problems = problems }, StatusCodes.Status400BadRequest);
        }

        var outcome = MappingPreview.Run(document, new PreviewRequest
        {
            Message = message!.RootElement,
            Subscription = model.Subscription.Length == 0 ? null : model.Subscription,
            UserVariables = variables,
            Response = response?.RootElement,
        }, configuration.Current);
        if (outcome.Answer is { } answer)
        {
            return Render(context, model with { Preview = answer }, StatusCodes.Status200OK);
        }

        var reasons = outcome.MissingEventType is { } eventType
            ? [$"The mapping has no operation for '{eventType}'; it has: {string.Join(", ", outcome.KnownEventTypes)}."]
            : outcome.Problems;
        return Render(context, model with { Problems = reasons }, StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> SaveAsync(HttpContext context, PlaygroundModel model, MappingCatalog catalog, MappingChanges changes,
        ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var result = await changes.SaveAsync(model.Name, System.Text.Encoding.UTF8.GetBytes(model.Json), MappingPrecondition.AsLoaded(model.ETag),
            cancellationToken);
        if (result.Outcome is not (MappingChangeOutcome.Created or MappingChangeOutcome.Replaced))
        {
            var status = result.Outcome switch
            {
                MappingChangeOutcome.ReadOnly => StatusCodes.Status409Conflict,
                MappingChangeOutcome.Stale => StatusCodes.Status412PreconditionFailed,
                _ => StatusCodes.Status400BadRequest,
            };
            return Render(context, model with { SaveError = result.Detail, Errors = result.Errors.Count > 0 ? result.Errors : model.Errors }, status);
        }

        var entry = result.Entry!;
        ConsoleLog.MappingSaved(logger, context.User.Identity?.Name ?? "(unknown)", entry.Name, entry.Version);
        return Render(context, model with
        {
            ETag = entry.ETag,
            Origin = entry.Origin.WireName(),
            Saved = result.Detail,
            Mappings = Base(catalog, null).Mappings,
        }, StatusCodes.Status200OK);
    }

    /// <summary>Why a mapping document typed into the playground cannot be taken at all, as PUT would refuse it; null when it can.</summary>
    private static string? InputProblem(string json, ActiveConfiguration configuration)
    {
        var limit = configuration.Current.Options.Inbound.MaxBodyBytes;
        if (System.Text.Encoding.UTF8.GetByteCount(json) > limit)
        {
            return $"the mapping document has more than {limit} bytes (Bridge:Inbound:MaxBodyBytes)";
        }

        using var document = CloudAlmBridge.Vocabulary.JsonInput.Parse(System.Text.Encoding.UTF8.GetBytes(json), string.Empty, out var problem);
        return problem;
    }

    private static JsonDocument? ParseJson(string text, string what, List<string> problems)
    {
        // Checked like a body the bridge receives: UTF-8, depth, strings that decode (a lone surrogate would throw later).
        var document = CloudAlmBridge.Vocabulary.JsonInput.Parse(System.Text.Encoding.UTF8.GetBytes(text), string.Empty, out var problem);
        if (document is null)
        {
            problems.Add($"{what}: {problem}");
        }

        return document;
    }

    private static PlaygroundModel Base(MappingCatalog catalog, ActiveConfiguration? configuration) => new()
    {
        Mappings = catalog.All().Select(m => new MappingChoice(m.Name, m.Origin.WireName(), m.ETag)).ToList(),
        Samples = Samples,
        Subscriptions = configuration is null ? [] : ConsolePages.SubscriptionNames(configuration),
    };

    private static IResult Render(HttpContext context, PlaygroundModel model, int status) =>
        ConsoleForms.Render<PlaygroundPage>(new { Shell = ConsoleForms.Shell(context, "Mapping playground", "playground", model.Saved, model.SaveError), Model = model },
            status);
}

public sealed record ValidationAnswer(bool Valid, IReadOnlyList<ValidationError> Errors, IReadOnlyList<string> Operations);

public sealed record ValidationError(string Path, string Message, string? Hint);
