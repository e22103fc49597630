using System.ComponentModel;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Input;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Maintenance;

/// <summary>
/// Maintenance windows over REST (role <c>admin</c>): the active, coming and recently ended windows with what each held
/// back; an ad hoc window started now; a window ended now. The console's page calls the same use cases
/// (<see cref="MaintenanceWindows"/>).
/// </summary>
internal static class MaintenanceEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;
    private const string NameParameter = "The window's name: a key under Bridge:Maintenance, or adhoc-{n} for one started over REST or in the console.";

    public static RouteGroupBuilder MapMaintenance(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/maintenance")
            .WithTags("Maintenance")
            .RequireAuthorization(Roles.Admin);

        group.MapGet("/", ListAsync)
            .WithName("ListMaintenanceWindows")
            .WithSummary("The maintenance windows active now, the next occurrence of each configured one, and those that ended within a day, each with what it held back.");
        group.MapGet("/{name}", GetAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownWindow", "No window of this name is active, coming or ended within a day.",
                "Unknown window", "No maintenance window 'adhoc-7' is active, coming or ended within a day.")
            .WithName("GetMaintenanceWindow")
            .WithSummary("One maintenance window with what it held back.");
        group.MapPost("/", StartAsync)
            .AcceptsJsonBody<StartWindowRequest>()
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidWindow", "The request is not a window to start: every problem is listed, nothing was started.",
                "Invalid maintenance window", "The maintenance window is invalid; nothing was started.",
                ["minutes: must be between 1 and 10080 (a week), is 0", "subscriptions[0]: no subscription 'calm-to-snw' is configured; known: calm-to-snow"])
            .WithName("StartMaintenanceWindow")
            .WithSummary("Starts an ad hoc maintenance window now, for minutes: the events it covers are stored, and no ticket is created or updated until it ends.")
            .WithDescription("Who started it (the authenticated client or console user) is logged (event 9001) and shown. Its name, adhoc-{n}, is in the answer and its Location. Every instance on the same database holds by it.");
        group.MapPost("/{name}/end", EndAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "windowNotActive", "No window of this name is active now (unknown, coming, or ended already).",
                "Unknown window", "No maintenance window 'adhoc-7' is active now; nothing was ended.")
            .WithName("EndMaintenanceWindow")
            .WithSummary("Ends an active maintenance window now, configured or ad hoc, and applies its AtEnd policy to what it held back at once.")
            .WithDescription("Who ended it is logged (event 9002) and shown. A configured window's occurrence ends; its next occurrence comes as configured.");
        return group;
    }

    private static async Task<Ok<MaintenanceWindowView[]>> ListAsync(MaintenanceWindows windows, CancellationToken cancellationToken) =>
        TypedResults.Ok((await windows.ListAsync(cancellationToken)).ToArray());

    private static async Task<Results<Ok<MaintenanceWindowView>, ProblemHttpResult>> GetAsync([Description(NameParameter)] string name,
        MaintenanceWindows windows, CancellationToken cancellationToken) =>
        await windows.FindAsync(name, cancellationToken) is { } window
            ? TypedResults.Ok(window)
            : Problems.Create(StatusCodes.Status404NotFound, "Unknown window", $"No maintenance window '{name}' is active, coming or ended within a day.");

    private static async Task<Results<Created<MaintenanceWindowView>, ProblemHttpResult>> StartAsync(HttpRequest request, MaintenanceWindows windows,
        CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        var (window, errors) = body is null ? (null, [$"body: over {MaxBodyBytes} bytes"]) : windows.Read(body.Value);
        if (window is null || errors.Count > 0)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid maintenance window", "The maintenance window is invalid; nothing was started.", errors);
        }

        var started = await windows.StartAsync(window, request.HttpContext.User.Identity?.Name ?? "(unknown)", cancellationToken);
        return TypedResults.Created($"/api/v1/maintenance/{Uri.EscapeDataString(started.Name)}", started);
    }

    private static async Task<Results<Ok<MaintenanceWindowView>, ProblemHttpResult>> EndAsync([Description(NameParameter)] string name,
        HttpRequest request, MaintenanceWindows windows, CancellationToken cancellationToken) =>
        await windows.EndAsync(name, request.HttpContext.User.Identity?.Name ?? "(unknown)", cancellationToken) is { } ended
            ? TypedResults.Ok(ended)
            : Problems.Create(StatusCodes.Status404NotFound, "Unknown window", $"No maintenance window '{name}' is active now; nothing was ended.");
}
