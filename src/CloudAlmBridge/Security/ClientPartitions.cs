using System.Collections.Concurrent;

namespace CloudAlmBridge.Security;

/// <summary>
/// The rate limiter's partition key of an authenticated client, made once per client and limit instead of on every
/// call (issue 21, item 5). Only configured clients come here, so the set stays as small as the configuration; an
/// unauthenticated caller's key, by address, is not kept.
/// </summary>
internal static class ClientPartitions
{
    private static readonly ConcurrentDictionary<(string Client, int Permits), string> Keys = new();

    public static string For(string client, int permits) =>
        Keys.GetOrAdd((client, permits), static key => $"client:{key.Client}:{key.Permits}");
}
