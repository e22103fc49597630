using System.Diagnostics;

namespace CloudAlmBridge.Errors;

internal static class ErrorHandlingExtensions
{
    /// <summary>Every error is application/problem+json, with the trace id to find its log lines.</summary>
    public static IHostApplicationBuilder AddBridgeErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier));

        // A request a route cannot bind (a typed JSON body that is not JSON, page=abc) is the caller's 400 in every
        // environment. Development's default throws it instead, and the exception handler would answer 500.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
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

    /// <summary>
    /// A caller that went away mid-request (its connection closed before the body was complete, or it cancelled) is a
    /// client abort, not a failure of the bridge: answered 499 (nobody reads it) and logged once, at Information, by
    /// the request log, never as a 500 with a stack trace. Nothing was stored for it: the body never arrived whole.
    /// </summary>
    public static WebApplication UseBridgeClientAborts(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception exception) when (IsClientAbort(context, exception))
            {
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = ClientClosedRequest;
                }
            }
        });
        return app;
    }

    /// <summary>The status nginx and others record for a request whose client closed the connection first.</summary>
    public const int ClientClosedRequest = 499;

    private static bool IsClientAbort(HttpContext context, Exception exception) =>
        context.RequestAborted.IsCancellationRequested
        || exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad
            && bad.Message.StartsWith("Unexpected end of request content", StringComparison.Ordinal);
}
