namespace CloudAlmBridge.Storage;

/// <summary>
/// A call that needs the storage while it cannot serve is answered <c>503</c> problem+json with <c>Retry-After</c> and a
/// sentence that says nothing was accepted (a 500 says "bug"; Cloud ALM and the load balancers in front retry a 503 that
/// says when), and the outage is logged once, not once per call with a stack trace.
/// </summary>
internal static class StorageOutageMiddleware
{
    /// <summary>How long a caller is asked to wait: about the time a restarting database or a failover takes.</summary>
    public const int RetryAfterSeconds = 5;

    public static WebApplication UseBridgeStorageOutages(this WebApplication app)
    {
        var provider = app.Services.GetRequiredService<StorageProvider>();
        var outage = app.Services.GetRequiredService<StorageOutage>();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
                                              && provider.IsUnavailable(exception))
            {
                if (exception is not StoreRefusedException)
                {
                    outage.Failed(exception);
                }

                outage.Refused();
                context.Response.Clear();
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                        title: "Storage unavailable",
                        statusCode: StatusCodes.Status503ServiceUnavailable,
                        detail: Detail(context.Request, exception))
                    .ExecuteAsync(context);
            }
        });
        return app;
    }

    private static string Detail(HttpRequest request, Exception exception)
    {
        var isEvent = request.Path.StartsWithSegments("/api/v1/events", StringComparison.OrdinalIgnoreCase) && !HttpMethods.IsGet(request.Method);
        return exception switch
        {
            StoreRefusedException { MayBeStored: true } refused =>
                $"{refused.Message} It may or may not have been stored: send it again after {RetryAfterSeconds} s (a repeat is answered like the original).",
            StoreRefusedException refused => $"{refused.Message} Nothing was accepted: send it again after {RetryAfterSeconds} s.",
            _ when isEvent => $"The bridge cannot store events now; nothing was accepted. Send the event again after {RetryAfterSeconds} s.",
            _ => $"The bridge's storage cannot serve now; nothing was changed. Try again after {RetryAfterSeconds} s.",
        };
    }
}
