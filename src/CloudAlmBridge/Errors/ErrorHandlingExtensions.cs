using System.Diagnostics;

namespace CloudAlmBridge.Errors;

internal static class ErrorHandlingExtensions
{
    /// <summary>Every error is application/problem+json, with the trace id to find its log lines.</summary>
    public static IHostApplicationBuilder AddBridgeErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier));
        return builder;
    }

    /// <summary>
    /// Unhandled exceptions become a 500 problem without the exception's text (it may hold a secret or a payload);
    /// empty error answers (401, 403, 404 of unknown routes, 405) get a problem body too.
    /// </summary>
    public static WebApplication UseBridgeErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
