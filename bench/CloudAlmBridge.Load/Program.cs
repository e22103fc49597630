using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

// The load benchmark: bench/load.sh publishes the bridge and runs this with the published dll.
// Usage: Load <CloudAlmBridge.dll> [--mode ingest|e2e|stalled] [--seconds 10] [--connections 32] [--backlog N]
//   ingest   WaitForDeliverySeconds=0: events/s accepted durably (answered 202), delivered behind
//   e2e      the default wait: the answer comes once the incident exists (201)
//   stalled  the ticket system answers 503 with Retry-After: 3600: events accepted, nothing moves; reports idle CPU
//   --backlog N  first queues N events with the ticket system stalled, then opens it and measures the drain rate
var options = args.Skip(1).Chunk(2).Where(o => o.Length == 2).ToDictionary(o => o[0], o => o[1]);
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Load <CloudAlmBridge.dll> [--mode ingest|e2e|stalled] [--seconds 10] [--connections 32] [--backlog N]");
    return 2;
}

var dll = Path.GetFullPath(args[0]);
var mode = options.GetValueOrDefault("--mode", "e2e");
var seconds = int.Parse(options.GetValueOrDefault("--seconds", "10"), CultureInfo.InvariantCulture);
var connections = int.Parse(options.GetValueOrDefault("--connections", "32"), CultureInfo.InvariantCulture);
var backlog = int.Parse(options.GetValueOrDefault("--backlog", "0"), CultureInfo.InvariantCulture);
var work = Directory.CreateTempSubdirectory("cloudalmbridge-load").FullName;

// The stand-in ServiceNow: creates and look-ups in memory, as fast as Kestrel answers. "stalled": it answers 503 with
// Retry-After: 3600, so nothing moves. For a backlog it holds every call until the backlog is queued (nothing is
// attempted meanwhile but the calls in flight), then answers them all.
var incidents = new ConcurrentDictionary<string, int>();
var stalled = mode == "stalled";
var refused = new ConcurrentDictionary<string, byte>();
var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
if (backlog == 0)
{
    held.SetResult();
}

var standInPort = FreePort();
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{standInPort}");
var standIn = builder.Build();
standIn.MapPost("/api/now/table/incident", async (HttpContext context) =>
{
    await held.Task;
    if (Volatile.Read(ref stalled))
    {
        var refusedBody = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        refused[refusedBody["correlation_id"]?.GetValue<string>() ?? string.Empty] = 0;
        context.Response.Headers.RetryAfter = "3600";
        return Results.StatusCode(503);
    }

    var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
    var correlation = body["correlation_id"]?.GetValue<string>() ?? string.Empty;
    var number = incidents.AddOrUpdate(correlation, 1, (_, n) => n + 1);
    var sysId = Guid.NewGuid().ToString("N");
    return Results.Json(new JsonObject { ["result"] = new JsonObject { ["sys_id"] = sysId, ["number"] = $"INC{number:D7}", ["state"] = "1" } },
        statusCode: 201);
});
standIn.MapGet("/api/now/table/incident", async () =>
{
    await held.Task;
    return Results.Json(new JsonObject { ["result"] = new JsonArray() });
});
await standIn.StartAsync();

var port = FreePort();
var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
foreach (var (key, value) in new Dictionary<string, string>
{
    ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["Serilog__MinimumLevel__Default"] = "Warning",
    ["Bridge__Storage__ConnectionString"] = $"Data Source={Path.Combine(work, "bridge.db")}",
    ["Bridge__Security__Clients__cloud-alm__Secret"] = "load-secret",
    ["Bridge__Security__Clients__cloud-alm__Roles__0"] = "events",
    ["Bridge__Destinations__standin__Url"] = $"http://127.0.0.1:{standInPort}",
    ["Bridge__Destinations__standin__AllowInsecureHttp"] = "true",
    ["Bridge__Destinations__standin__Authentication__Type"] = "NoAuthentication",
    ["Bridge__Webhooks__incident__Destination"] = "standin",
    ["Bridge__Webhooks__incident__Path"] = "/api/now/table/incident",
    ["Bridge__Webhooks__incident__DestinationType"] = "SNOW",
    ["Bridge__Subscriptions__load__Webhook"] = "incident",
    ["Bridge__Subscriptions__load__UserVariables__closeCode"] = "Solved (Permanently)",
    ["Bridge__Inbound__WaitForDeliverySeconds"] = mode == "e2e" && backlog == 0 ? "5" : "0",
    ["Bridge__Delivery__AttemptTimeout"] = backlog > 0 ? "00:30:00" : "00:00:15",
})
{
    start.Environment[key] = value;
}

using var bridge = Process.Start(start)!;
_ = bridge.StandardOutput.ReadToEndAsync();
_ = bridge.StandardError.ReadToEndAsync();
try
{
    var url = $"http://127.0.0.1:{port}";
    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(url) };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cloud-alm:load-secret")));
    await WaitReadyAsync(client);

    if (backlog > 0)
    {
        // Queue the backlog with the ticket system stalled, then open it and time the drain.
        var queued = Stopwatch.StartNew();
        var filled = await RunAsync(client, connections, TimeSpan.MaxValue, backlog, "backlog-");
        Console.WriteLine($"backlog: {backlog} events queued in {queued.Elapsed.TotalSeconds:F1} s ({filled.Failures} refused)");
        backlog -= filled.Failures;
        held.SetResult();
        var drain = Stopwatch.StartNew();
        int Drained() => incidents.Keys.Count(k => k.StartsWith("backlog-", StringComparison.Ordinal));

        // One caller keeps posting new events while the backlog drains: their answer times are the new-event latency.
        var probe = RunAsync(client, 1, TimeSpan.FromSeconds(seconds), int.MaxValue, "new-");
        while (Drained() < backlog && drain.Elapsed < TimeSpan.FromMinutes(60) && !bridge.HasExited)
        {
            await Task.Delay(250);
        }

        var drainSeconds = drain.Elapsed.TotalSeconds;
        var latency = await probe;
        Console.WriteLine($"drain: {Drained()} backlog incidents in {drainSeconds:F1} s = {Drained() / drainSeconds:F0}/s; "
            + $"new events meanwhile p50 {latency.Percentile(50):F1} ms, p99 {latency.Percentile(99):F1} ms; database {DatabaseMegabytes(work):F0} MB; RSS peak {PeakRss(bridge):F0} MB");
        return 0;
    }

    var cpuBefore = CpuSeconds(bridge);
    var clock = Stopwatch.StartNew();
    var result = await RunAsync(client, connections, TimeSpan.FromSeconds(seconds), int.MaxValue);
    var elapsed = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"mode {mode}, {connections} connections, {seconds} s: {result.Count / elapsed:F0} events/s accepted ({result.Failures} failed), "
        + $"{incidents.Count / elapsed:F0} incidents/s, p50 {result.Percentile(50):F1} ms, p99 {result.Percentile(99):F1} ms, RSS peak {PeakRss(bridge):F0} MB, "
        + $"CPU {100 * (CpuSeconds(bridge) - cpuBefore) / elapsed:F0} % of one core");
    if (mode == "stalled")
    {
        // Once every accepted event has had its first attempt (refused, retry in an hour), nothing can move: what the
        // bridge burns while it waits.
        var waiting = Stopwatch.StartNew();
        while (refused.Count < result.Count && waiting.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(200);
        }

        Console.WriteLine($"every event attempted once after {waiting.Elapsed.TotalSeconds:F0} s more ({refused.Count} situations refused)");
        var idleBefore = CpuSeconds(bridge);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"stalled destination, {result.Count} deliveries waiting: idle CPU {100 * (CpuSeconds(bridge) - idleBefore) / seconds:F1} % of one core");
    }

    return 0;
}
finally
{
    bridge.Kill(entireProcessTree: true);
    await standIn.StopAsync();
    Directory.Delete(work, recursive: true);
}

static async Task<Latencies> RunAsync(HttpClient client, int connections, TimeSpan duration, int total, string prefix = "")
{
    var latencies = new Latencies();
    var sent = 0;
    var deadline = duration == TimeSpan.MaxValue ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
    {
        while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref sent) <= total)
        {
            var situation = prefix + Guid.NewGuid().ToString("N");
            var body = new JsonObject
            {
                ["subscriptionId"] = "load",
                ["resourceType"] = "EVENT-SITUATION",
                ["eventType"] = "EVENT-SITUATION.CREATED",
                ["resourceId"] = situation,
                ["resource"] = new JsonObject { ["id"] = situation, ["subject"] = "Load situation", ["rating"] = "ERROR", ["updateTime"] = "2026-12-01T10:00:00Z" },
            }.ToJsonString();
            var begin = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync("/api/v1/events/load", new StringContent(body, Encoding.UTF8, "application/json"));
            latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds, response.IsSuccessStatusCode);
        }
    }));
    return latencies;
}

static async Task WaitReadyAsync(HttpClient client)
{
    for (var i = 0; i < 300; i++)
    {
        try
        {
            if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
        }

        await Task.Delay(100);
    }

    throw new InvalidOperationException("The bridge did not become ready within 30 s.");
}

static double PeakRss(Process process)
{
    var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

static double CpuSeconds(Process process)
{
    process.Refresh();
    return process.TotalProcessorTime.TotalSeconds;
}

static double DatabaseMegabytes(string folder) =>
    Directory.GetFiles(folder, "bridge.db*").Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0;

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>Answer times of one run, for percentiles.</summary>
internal sealed class Latencies
{
    private readonly ConcurrentBag<double> _milliseconds = [];
    private int _failures;

    public int Count => _milliseconds.Count;

    public int Failures => _failures;

    public void Add(double milliseconds, bool success)
    {
        _milliseconds.Add(milliseconds);
        if (!success)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    public double Percentile(int p)
    {
        var sorted = _milliseconds.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
    }
}
