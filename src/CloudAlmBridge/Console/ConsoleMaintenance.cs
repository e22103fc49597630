using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Maintenance;

namespace CloudAlmBridge.Console;

/// <summary>
/// The console's maintenance page: the active, coming and recently ended windows with what each held back, a form
/// that starts an ad hoc window now and a button that ends one now. The same use cases as the REST routes
/// (<see cref="MaintenanceWindows"/>); who did it is the signed-in user, logged by the use case and in the console's audit.
/// </summary>
internal static class ConsoleMaintenance
{
    public static async Task<IResult> PageAsync(HttpContext context, string? done, MaintenanceWindows windows, ActiveConfiguration configuration,
        CancellationToken cancellationToken) =>
        await RenderAsync(context, windows, configuration, done switch
        {
            "started" => "Started: the events it covers are stored and held back until it ends.",
            "ended" => "Ended: its policy is applied to what it held back now.",
            _ => null,
        }, null, StatusCodes.Status200OK, cancellationToken);

    public static async Task<IResult> StartAsync(HttpContext context, MaintenanceWindows windows, ActiveConfiguration configuration,
        ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var minutes = int.TryParse(form["minutes"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m)
            ? m
            : 0;
        var request = new StartWindowRequest(minutes, [.. form["subscriptions"].OfType<string>().Where(s => s.Length > 0)], Split(form["services"].ToString()),
            form["atEnd"].ToString() is { Length: > 0 } atEnd ? atEnd : null, form["reason"].ToString());
        var errors = windows.Check(request);
        if (errors.Count > 0)
        {
            return await RenderAsync(context, windows, configuration, null, $"Nothing was started: {string.Join("; ", errors)}.", StatusCodes.Status400BadRequest,
                cancellationToken);
        }

        var started = await windows.StartAsync(request, User(context), cancellationToken);
        ConsoleLog.MaintenanceStarted(logger, User(context), started.Name);
        return Results.Redirect($"{ConsoleExtensions.Path}/maintenance?done=started");
    }

    public static async Task<IResult> EndAsync(HttpContext context, MaintenanceWindows windows, ActiveConfiguration configuration,
        ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var name = form["name"].ToString();
        if (await windows.EndAsync(name, User(context), cancellationToken) is null)
        {
            return await RenderAsync(context, windows, configuration, null, $"No maintenance window '{name}' is active now; nothing was ended.",
                StatusCodes.Status404NotFound, cancellationToken);
        }

        ConsoleLog.MaintenanceEnded(logger, User(context), name);
        return Results.Redirect($"{ConsoleExtensions.Path}/maintenance?done=ended");
    }

    private static async Task<IResult> RenderAsync(HttpContext context, MaintenanceWindows windows, ActiveConfiguration configuration, string? notice,
        string? error, int status, CancellationToken cancellationToken) =>
        ConsoleForms.Render<MaintenancePage>(new
        {
            Shell = ConsoleForms.Shell(context, "Maintenance windows", "maintenance", notice, error),
            Model = new MaintenanceModel(await windows.ListAsync(cancellationToken),
                [.. configuration.Current.Subscriptions.Keys.Order(StringComparer.OrdinalIgnoreCase)]),
        }, status);

    /// <summary>Service ids as typed: separated by commas, spaces or lines.</summary>
    private static List<string> Split(string text) =>
        [.. text.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string User(HttpContext context) => context.User.Identity?.Name ?? "(unknown)";
}

/// <summary>The maintenance page: the windows (active, coming, ended within a day) and the subscriptions a new one may cover.</summary>
public sealed record MaintenanceModel(IReadOnlyList<MaintenanceWindowView> Windows, IReadOnlyList<string> Subscriptions);
