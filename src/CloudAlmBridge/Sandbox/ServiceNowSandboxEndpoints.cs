using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Sandbox;

/// <summary>
/// The ServiceNow sandbox's routes, <c>/sandbox/servicenow/api/now/table/{table}</c>, in the Table API's shapes:
/// <c>201</c> + <c>{"result":{...}}</c>, ServiceNow's error envelope. Mounted only in the Development environment.
/// </summary>
internal static class ServiceNowSandboxEndpoints
{
    public const string BasePath = "/sandbox/servicenow";

    public static IHostApplicationBuilder AddServiceNowSandbox(this IHostApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
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

        var group = app.MapGroup($"{BasePath}/api/now/table/{{table}}")
            .WithTags("ServiceNow sandbox (Development only)")
            .AllowAnonymous();

        group.MapPost("/", (string table, JsonObject body, ServiceNowSandbox sandbox, HttpRequest request) =>
            {
                var record = sandbox.Create(table, body);
                return TypedResults.Created($"{request.PathBase}{BasePath}/api/now/table/{table}/{record["sys_id"]}", Wrap(record));
            })
            .WithName("SandboxCreateRecord")
            .WithSummary("Creates a record: 201 with {\"result\":{...}}, a new sys_id and number.");

        group.MapGet("/", (string table, ServiceNowSandbox sandbox, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "sysparm_query")] string? query,
                [Microsoft.AspNetCore.Mvc.FromQuery(Name = "sysparm_limit")] int? limit) =>
                TypedResults.Ok(new JsonObject { ["result"] = new JsonArray([.. sandbox.Query(table, query, limit ?? 10000)]) }))
            .WithName("SandboxQueryRecords")
            .WithSummary("Lists records; sysparm_query takes field=value terms joined by ^ (e.g. correlation_id=...).");

        group.MapGet("/{sysId}", Results<Ok<JsonObject>, JsonHttpResult<JsonObject>> (string table, string sysId, ServiceNowSandbox sandbox) =>
                sandbox.Get(table, sysId) is { } record ? TypedResults.Ok(Wrap(record)) : NotFound(table, sysId))
            .WithName("SandboxGetRecord")
            .WithSummary("Reads one record.");

        group.MapMethods("/{sysId}", [HttpMethods.Patch, HttpMethods.Put], UpdateRecord)
            .WithName("SandboxUpdateRecord")
            .WithSummary("Updates the fields given; resolving (state 6) needs close_code and close_notes, as in ServiceNow.");

        group.MapDelete("/{sysId}", Results<NoContent, JsonHttpResult<JsonObject>> (string table, string sysId, ServiceNowSandbox sandbox) =>
                sandbox.Delete(table, sysId) ? TypedResults.NoContent() : NotFound(table, sysId))
            .WithName("SandboxDeleteRecord")
            .WithSummary("Deletes one record.");

        return app;
    }

    private static Results<Ok<JsonObject>, JsonHttpResult<JsonObject>> UpdateRecord(string table, string sysId, JsonObject body,
        ServiceNowSandbox sandbox)
    {
        var (record, policyError) = sandbox.Update(table, sysId, body);
        if (policyError is not null)
        {
            return Error(StatusCodes.Status403Forbidden, "Operation Failed", policyError);
        }

        return record is null ? NotFound(table, sysId) : TypedResults.Ok(Wrap(record));
    }

    private static JsonObject Wrap(JsonObject record) => new() { ["result"] = record };

    private static JsonHttpResult<JsonObject> NotFound(string table, string sysId) =>
        Error(StatusCodes.Status404NotFound, "No Record found", $"Record doesn't exist or ACL restricts the record retrieval ({table} {sysId})");

    /// <summary>ServiceNow's error envelope: <c>{"error":{"message","detail"},"status":"failure"}</c>.</summary>
    private static JsonHttpResult<JsonObject> Error(int statusCode, string message, string detail) =>
        TypedResults.Json(
            new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["detail"] = detail }, ["status"] = "failure" },
            (JsonSerializerOptions?)null, statusCode: statusCode);
}
