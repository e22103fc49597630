using System.Net;

namespace CloudAlmBridge.Health;

/// <summary>
/// <c>dotnet CloudAlmBridge.dll --probe ready</c> (or <c>live</c>): asks the running bridge on this machine for its
/// readiness (liveness) and exits 0 when it answers 200, 1 otherwise. For container health checks in images without
/// curl or a shell that can open a socket (dash has no <c>/dev/tcp</c>): the image already has dotnet and the bridge.
/// Where it asks: <c>--url</c>, else the first address of <c>ASPNETCORE_URLS</c>, else <c>ASPNETCORE_HTTP_PORTS</c>
/// (the container images set 8080), else Kestrel's default <c>http://localhost:5000</c>, always on the loopback.
/// </summary>
internal static class HealthProbe
{
    public const string Flag = "--probe";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    public static bool Requested(string[] args) => args.Contains(Flag, StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var index = Array.IndexOf(args, Flag);
        var which = index + 1 < args.Length && !args[index + 1].StartsWith("--", StringComparison.Ordinal) ? args[index + 1] : "ready";
        if (which is not ("ready" or "live"))
        {
            await output.WriteLineAsync($"--probe takes 'ready' or 'live', not '{which}'");
            return 2;
        }

        var urlIndex = Array.IndexOf(args, "--url");
        var baseUrl = urlIndex >= 0 && urlIndex + 1 < args.Length ? args[urlIndex + 1] : LocalAddress();
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
        {
            await output.WriteLineAsync($"--probe: '{baseUrl}' is not an http or https address");
            return 2;
        }

        var target = new Uri(root, $"/health/{which}");
        // The bridge's own certificate on the loopback is trusted as it is: the probe asks this machine only.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => target.IsLoopback };
        using var client = new HttpClient(handler) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(target);
            await output.WriteLineAsync($"{target} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode == HttpStatusCode.OK ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{target} did not answer: {exception.Message}");
            return 1;
        }
    }

    /// <summary>Where this machine's bridge listens, from the variables Kestrel reads, as a loopback address.</summary>
    public static string LocalAddress()
    {
        if (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } urls)
        {
            var all = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var first = all.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? all[0];
            var hostStart = first.IndexOf("://", StringComparison.Ordinal) + 3;
            var hostEnd = first.IndexOf(':', hostStart < first.Length && first[hostStart] == '[' ? first.IndexOf(']', hostStart) : hostStart);
            if (hostEnd > 0)
            {
                // "+", "*", "0.0.0.0", "[::]", a host name: this machine's loopback, same port and scheme.
                return first[..hostStart] + "127.0.0.1" + first[hostEnd..].TrimEnd('/');
            }
        }

        if (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") is { Length: > 0 } ports)
        {
            return $"http://127.0.0.1:{ports.Split(';', ',')[0].Trim()}";
        }

        if (Environment.GetEnvironmentVariable("ASPNETCORE_HTTPS_PORTS") is { Length: > 0 } httpsPorts)
        {
            return $"https://127.0.0.1:{httpsPorts.Split(';', ',')[0].Trim()}";
        }

        return "http://127.0.0.1:5000";
    }
}
