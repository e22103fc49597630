namespace CloudAlmBridge.Delivery;

/// <summary><c>Retry-After</c> as ServiceNow and Jira send it with 429 and some 503s: seconds, or an HTTP date.</summary>
internal static class RetryAfterHeader
{
    /// <summary>The wait asked for; zero for a date already past (the ticket system's clock is behind); null without the header.</summary>
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - now is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
