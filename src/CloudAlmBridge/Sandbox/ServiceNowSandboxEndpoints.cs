using System.ComponentModel;
using System.Text.Json.Nodes;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CloudAlmBridge.Sandbox;

/// <summary>
/// The ServiceNow sandbox's routes under <c>/sandbox/servicenow</c>: the Table API (<c>api/now/table/{table}</c>) in
/// its shapes (<c>201</c> + <c>{"result":{...}}</c>, ServiceNow's error envelope), and the record's page behind the
/// bridge's <c>displayUrl</c> (<c>nav_to.do</c>). Mounted only in the Development environment, without login: the
/// demo destination calls it with <c>NoAuthentication</c>.
/// </summary>
internal static class ServiceNowSandboxEndpoints
{
    public const string BasePath = "/sandbox/servicenow";

    private const string TableParameter = "The table, as in ServiceNow's Table API: incident (numbers INC…), sn_customerservice_case (CS…), problem (PRB…); any other name numbers TKT….";
    private const string NoRecord = "No record of the table has this sys_id (ServiceNow's error answer).";
    private const string SysIdParameter = "The record's sys_id: 32 hexadecimal digits, as the create answered it.";

    public static IHostApplicationBuilder AddServiceNowSandbox(this IHostApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddSingleton<SandboxStore>();
            builder.Services.AddSingleton<ServiceNowSandbox>();
        }

        return builder;
    }

    public static WebApplication MapServiceNowSandbox(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return app;
        }

        var sandbox = app.MapGroup(BasePath)
            .WithTags("ServiceNow sandbox (Development only)")
            .AllowAnonymous();

        sandbox.MapGet("/nav_to.do", RecordPageAsync)
            .WithName("SandboxRecordPage")
            .WithSummary("The record's page, what displayUrl opens: its number, short description and every field, as HTML.")
            .WithDescription("ServiceNow's address of a record form, nav_to.do?uri=incident.do?sys_id=…, which the bridge answers Cloud ALM as displayUrl for incidents of a SNOW webhook.")
            .AnswersPage(StatusCodes.Status200OK, "The record's page.")
            .AnswersPage(StatusCodes.Status400BadRequest, "uri is not a record address {table}.do?sys_id={sys_id}.")
            .AnswersPage(StatusCodes.Status404NotFound, "The sandbox has no such record.");

        var table = sandbox.MapGroup("/api/now/table/{table}");
        table.MapPost("/", CreateAsync)
            .AnswersBodyProblems()
            .WithName("SandboxCreateRecord")
            .WithSummary("Creates a record: 201 with {\"result\":{...}}, a new sys_id and the table's next number.");

        table.MapGet("/", QueryAsync)
            .AnswersProblem(StatusCodes.Status400BadRequest, "notANumber", "The sysparm_limit is not a whole number.", null)
            .WithName("SandboxQueryRecords")
            .WithSummary("Lists records in the order they were created; sysparm_query takes field=value terms joined by ^ (e.g. correlation_id=...).");

        table.MapGet("/{sysId}", GetAsync)
            .WithName("SandboxGetRecord")
            .WithSummary("Reads one record.")
            .AnswersError(StatusCodes.Status404NotFound, NoRecord);

        // One endpoint per method: an endpoint name is the OpenAPI operationId, which must be unique.
        table.MapPatch("/{sysId}", UpdateAsync)
            .WithName("SandboxPatchRecord")
            .WithSummary("Updates the fields given; resolving (state 6) needs close_code and close_notes, as in ServiceNow.")
            .AnswersBodyProblems()
            .AnswersError(StatusCodes.Status403Forbidden, "ServiceNow's data policy: resolving (state 6 or 7) needs close_code and close_notes.")
            .AnswersError(StatusCodes.Status404NotFound, NoRecord);
        table.MapPut("/{sysId}", UpdateAsync)
            .WithName("SandboxPutRecord")
            .WithSummary("The same as PATCH: ServiceNow's PUT also changes only the fields given.")
            .AnswersBodyProblems()
            .AnswersError(StatusCodes.Status403Forbidden, "ServiceNow's data policy: resolving (state 6 or 7) needs close_code and close_notes.")
            .AnswersError(StatusCodes.Status404NotFound, NoRecord);

        table.MapDelete("/{sysId}", DeleteAsync)
            .WithName("SandboxDeleteRecord")
            .WithSummary("Deletes one record; its number is not given again.")
            .AnswersError(StatusCodes.Status404NotFound, NoRecord);

        return app;
    }

    /// <summary>A body the route cannot bind is refused before the sandbox sees it, as problem+json like every such refusal of the bridge.</summary>
    private static RouteHandlerBuilder AnswersBodyProblems(this RouteHandlerBuilder builder) => builder
        .AnswersProblem(StatusCodes.Status400BadRequest, "malformedJson", "The body is not a JSON object.", null)
        .AnswersProblem(StatusCodes.Status415UnsupportedMediaType, "notJson", "The body is not sent as JSON.", null);

    /// <summary>ServiceNow's error envelope, as the Table API answers it (not problem+json: the sandbox plays ServiceNow).</summary>
    private static RouteHandlerBuilder AnswersError(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ServiceNowError), ["application/json"]) { Description = description });

    private static RouteHandlerBuilder AnswersPage(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(string), ["text/html"]) { Description = description });

    private static async Task<Created<JsonObject>> CreateAsync([Description(TableParameter)] string table,
        [Description("The record's fields, e.g. short_description, urgency, correlation_id; sys_id and number are the sandbox's own.")] JsonObject body,
        ServiceNowSandbox sandbox, HttpRequest request, CancellationToken cancellationToken)
    {
        var record = await sandbox.CreateAsync(table, body, cancellationToken);
        return TypedResults.Created($"{request.PathBase}{BasePath}/api/now/table/{table}/{record["sys_id"]}", Wrap(record));
    }

    private static async Task<Ok<JsonObject>> QueryAsync([Description(TableParameter)] string table, ServiceNowSandbox sandbox,
        [FromQuery(Name = "sysparm_query"), Description("ServiceNow's encoded query: field=value terms joined by ^, e.g. correlation_id=cd0cb7ea-c4ed-43f5-aaf7-e12259483184^active=true.")] string? query,
        [FromQuery(Name = "sysparm_limit"), Description("At most this many records (default 10000).")] int? limit,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new JsonObject { ["result"] = new JsonArray([.. await sandbox.QueryAsync(table, query, limit ?? 10000, cancellationToken)]) });

    private static async Task<Results<Ok<JsonObject>, JsonHttpResult<ServiceNowError>>> GetAsync([Description(TableParameter)] string table,
        [Description(SysIdParameter)] string sysId, ServiceNowSandbox sandbox, CancellationToken cancellationToken) =>
        await sandbox.GetAsync(table, sysId, cancellationToken) is { } record ? TypedResults.Ok(Wrap(record)) : NotFound(table, sysId);

    private static async Task<Results<Ok<JsonObject>, JsonHttpResult<ServiceNowError>>> UpdateAsync([Description(TableParameter)] string table,
        [Description(SysIdParameter)] string sysId,
        [Description("The fields to change; work_notes adds a journal entry rather than replacing the notes.")] JsonObject body,
        ServiceNowSandbox sandbox, CancellationToken cancellationToken)
    {
        var (record, policyError) = await sandbox.UpdateAsync(table, sysId, body, cancellationToken);
        if (policyError is not null)
        {
            return Error(StatusCodes.Status403Forbidden, "Operation Failed", policyError);
        }

        return record is null ? NotFound(table, sysId) : TypedResults.Ok(Wrap(record));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ServiceNowError>>> DeleteAsync([Description(TableParameter)] string table,
        [Description(SysIdParameter)] string sysId, ServiceNowSandbox sandbox, CancellationToken cancellationToken) =>
        await sandbox.DeleteAsync(table, sysId, cancellationToken) ? TypedResults.NoContent() : NotFound(table, sysId);

    private static async Task<ContentHttpResult> RecordPageAsync(
        [Description("ServiceNow's record address: {table}.do?sys_id={sys_id}, e.g. incident.do?sys_id=c537bae64f411200adf9f8e18110c76e.")] string? uri,
        ServiceNowSandbox sandbox, CancellationToken cancellationToken)
    {
        if (!ServiceNowSandboxPage.TryParseUri(uri, out var table, out var sysId))
        {
            return Html(StatusCodes.Status400BadRequest, ServiceNowSandboxPage.Message("Not a record address",
                "nav_to.do needs uri={table}.do?sys_id={sys_id}, as in the displayUrl the bridge answers."));
        }

        return await sandbox.GetAsync(table, sysId, cancellationToken) is { } record
            ? Html(StatusCodes.Status200OK, ServiceNowSandboxPage.Record(table, record))
            : Html(StatusCodes.Status404NotFound, ServiceNowSandboxPage.Message("No record found",
                $"The sandbox has no {table} record with sys_id {sysId}."));
    }

    private static ContentHttpResult Html(int statusCode, string page) =>
        TypedResults.Content(page, "text/html; charset=utf-8", statusCode: statusCode);

    private static JsonObject Wrap(JsonObject record) => new() { ["result"] = record };

    private static JsonHttpResult<ServiceNowError> NotFound(string table, string sysId) =>
        Error(StatusCodes.Status404NotFound, "No Record found", $"Record doesn't exist or ACL restricts the record retrieval ({table} {sysId})");

    private static JsonHttpResult<ServiceNowError> Error(int statusCode, string message, string detail) =>
        TypedResults.Json(new ServiceNowError(new ServiceNowErrorDetail(message, detail)), statusCode: statusCode);
}
