using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CloudAlmBridge.Reliability;

// The reliability run: eng/reliability.sh publishes the bridge and starts this with the published dll.
// Usage: Reliability <CloudAlmBridge.dll> [situations=200] [eventsPerSituation=10] [seed=4711] [--postgres <connection string> [--instances 3]]
// Without --postgres: one bridge on a SQLite file. With it: several bridges on one PostgreSQL database, each event
// posted to a random instance as a load balancer would (and to another one when its instance refuses the connection).
var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
var options = args.Skip(positional.Length).Chunk(2).Where(o => o.Length == 2).ToDictionary(o => o[0], o => o[1]);
if (positional.Length < 1)
{
    Console.Error.WriteLine("usage: Reliability <path to published CloudAlmBridge.dll> [situations] [eventsPerSituation] [seed] [--postgres <connection string> [--instances N]]");
    return 2;
}

var bridgeDll = Path.GetFullPath(positional[0]);
var situations = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 200;
var eventsPerSituation = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 10;
var seed = positional.Length > 3 ? int.Parse(positional[3], CultureInfo.InvariantCulture) : 4711;
var postgres = options.GetValueOrDefault("--postgres");

// --restart-database <script>: the database is restarted at random moments (the script stops it, waits the seconds it
// is given, and starts it again) instead of the bridges being killed.
var restartDatabase = options.GetValueOrDefault("--restart-database");
var instanceCount = postgres is null ? 1 : int.Parse(options.GetValueOrDefault("--instances", "3"), CultureInfo.InvariantCulture);
var clock = Stopwatch.StartNew();
var work = Directory.CreateTempSubdirectory("cloudalmbridge-reliability").FullName;

// The failing ServiceNow, on loopback.
var standIn = new StandInServiceNow(seed);
var standInPort = FreePort();
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{standInPort}");
var standInApp = builder.Build();
standIn.Map(standInApp);
await standInApp.StartAsync();

var bridges = Enumerable.Range(0, instanceCount)
    .Select(i => new BridgeProcess(bridgeDll, work, FreePort(), $"http://127.0.0.1:{standInPort}", postgres, $"bridge-{(char)('a' + i)}"))
    .ToList();
await Task.WhenAll(bridges.Select(b => b.StartAsync()));

// Whatever ends the run (an unexpected answer included), no bridge process is left running behind it.
AppDomain.CurrentDomain.ProcessExit += (_, _) => bridges.ForEach(b => b.Kill());
AppDomain.CurrentDomain.UnhandledException += (_, _) => bridges.ForEach(b => b.Kill());

using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("cloud-alm:reliability")));

// SIGKILL an instance at random moments while events flow, then start it again on the same database. With several
// instances the others keep taking events and take over the killed one's claims once their leases run out.
using var stopKilling = new CancellationTokenSource();
var kills = 0;
var restarts = 0;
var killer = Task.Run(async () =>
{
    var random = new Random(seed);
    while (!stopKilling.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 5000)), stopKilling.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }

        if (restartDatabase is not null)
        {
            var down = random.Next(2, 5);
            using var restart = Process.Start(new ProcessStartInfo(restartDatabase, [down.ToString(CultureInfo.InvariantCulture)]))!;
            await restart.WaitForExitAsync();
            if (restart.ExitCode != 0)
            {
                throw new InvalidOperationException($"{restartDatabase} exited with {restart.ExitCode}");
            }

            restarts++;
            continue;
        }

        var victim = bridges[random.Next(bridges.Count)];
        victim.Kill();
        kills++;
        await victim.StartAsync();
    }
});

// Each situation's events are sent one after another (its order is the order of acceptance); 16 situations at once.
var accepted = 0;
var resends = 0;
var refusedWith503 = 0;
var answers = new Dictionary<int, int>();
using var gate = new SemaphoreSlim(16);
var senders = Enumerable.Range(0, situations).Select(async s =>
{
    await gate.WaitAsync();
    try
    {
        var balancer = new Random(seed + s);
        var situationId = $"00000000-0000-4000-8000-{s:D12}";
        for (var n = 0; n < eventsPerSituation; n++)
        {
            var eventType = n == 0 ? "EVENT-SITUATION.CREATED" : n == eventsPerSituation - 1 ? "EVENT-SITUATION.CLOSED" : "EVENT-SITUATION.UPDATED";
            var body = Message(situationId, eventType, n);
            var instance = balancer.Next(bridges.Count);
            while (true)
            {
                try
                {
                    using var response = await client.PostAsync($"{bridges[instance].Url}/api/v1/events/reliability",
                        new StringContent(body, Encoding.UTF8, "application/json"));
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is { } retryAfter)
                    {
                        // The storage is away (the database restarts): nothing was accepted; as Cloud ALM would, send
                        // it again once the bridge asks, to another instance as a load balancer would.
                        Interlocked.Increment(ref refusedWith503);
                        instance = (instance + 1) % bridges.Count;
                        await Task.Delay(retryAfter < TimeSpan.FromSeconds(1) ? retryAfter : TimeSpan.FromSeconds(1));
                        continue;
                    }

                    if ((int)response.StatusCode is 200 or 201 or 202 or 502)
                    {
                        lock (answers)
                        {
                            answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
                        }

                        Interlocked.Increment(ref accepted);
                        break;
                    }

                    throw new InvalidOperationException($"unexpected answer {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The instance is down (killed): send again, to the next instance as a load balancer would (to the
                    // same one, restarted, when there is only one).
                    Interlocked.Increment(ref resends);
                    instance = (instance + 1) % bridges.Count;
                    await Task.Delay(100);
                }
            }
        }
    }
    finally
    {
        gate.Release();
    }
});
await Task.WhenAll(senders);
await stopKilling.CancelAsync();
await killer;

// Let the outbox drain: nothing Queued or Retrying.
using var admin = new HttpClient { BaseAddress = new Uri(bridges[0].Url) };
admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:reliability")));
var drainDeadline = Stopwatch.StartNew();
while (drainDeadline.Elapsed < TimeSpan.FromMinutes(3)
       && ((await admin.GetFromJsonAsync<JsonArray>("/api/v1/deliveries?state=Queued"))!.Count > 0
           || (await admin.GetFromJsonAsync<JsonArray>("/api/v1/deliveries?state=Retrying"))!.Count > 0))
{
    await Task.Delay(250);
}

var states = new Dictionary<string, int>();
for (var page = 1; ; page++)
{
    var list = (await admin.GetFromJsonAsync<JsonArray>($"/api/v1/deliveries?page={page}"))!;
    foreach (var delivery in list)
    {
        var state = delivery!["state"]!.GetValue<string>();
        states[state] = states.GetValueOrDefault(state) + 1;
    }

    if (list.Count < 50)
    {
        break;
    }
}

// What the ticket system shows, per situation: one incident, every update 0..n-1, never a step back.
var bySituation = standIn.Incidents.GroupBy(i => i.CorrelationId).ToDictionary(g => g.Key, g => g.ToList());
var duplicates = bySituation.Values.Sum(list => list.Count - 1);
var lost = 0;
var outOfOrder = 0;
var redelivered = 0;
var closed = bySituation.Values.Count(list => list.Any(i => i.State == "6"));
for (var s = 0; s < situations; s++)
{
    var situationId = $"00000000-0000-4000-8000-{s:D12}";
    var updates = bySituation.GetValueOrDefault(situationId)?.SelectMany(i => i.Updates).ToList() ?? [];
    lost += Enumerable.Range(0, eventsPerSituation).Count(n => !updates.Contains(n));
    var seen = new HashSet<int>();
    var highest = -1;
    foreach (var n in updates)
    {
        if (!seen.Add(n))
        {
            redelivered++;
        }
        else if (n < highest)
        {
            outOfOrder++;
        }

        highest = Math.Max(highest, n);
    }
}

foreach (var bridge in bridges)
{
    bridge.Kill();
}

await standInApp.StopAsync();
var total = situations * eventsPerSituation;
Console.WriteLine($"storage:                {(postgres is null ? "SQLite, 1 instance" : $"PostgreSQL, {instanceCount} instances")}");
Console.WriteLine($"events sent:            {total} over {situations} situations");
Console.WriteLine($"accepted:               {accepted} (answers: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} x{a.Value}"))}; resent after no answer: {resends})");
Console.WriteLine($"deliveries by state:    {string.Join(", ", states.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
Console.WriteLine(restartDatabase is null ? $"bridge SIGKILLs:        {kills}" : $"database restarts:      {restarts}");
Console.WriteLine($"answered 503, sent again: {refusedWith503}");
Console.WriteLine($"delivered to ServiceNow: {total - lost} of {total} events");
Console.WriteLine($"lost:                   {lost}");
Console.WriteLine($"duplicate tickets:      {duplicates}");
Console.WriteLine($"out-of-order updates:   {outOfOrder}");
Console.WriteLine($"updates sent twice (at-least-once after a kill): {redelivered}");
Console.WriteLine($"closes applied:         {closed} of {situations} situations");
Console.WriteLine($"run time:               {clock.Elapsed.TotalSeconds:F1} s");
Directory.Delete(work, recursive: true);
return lost == 0 && duplicates == 0 && outOfOrder == 0 && accepted == total && closed == situations ? 0 : 1;

static string Message(string situationId, string eventType, int n) => new JsonObject
{
    ["subscriptionId"] = "reliability",
    ["resourceType"] = "EVENT-SITUATIONS",
    ["eventType"] = eventType,
    ["resourceId"] = situationId,
    ["resource"] = new JsonObject
    {
        ["id"] = situationId,
        ["subject"] = $"Reliability situation {situationId[^4..]}",
        ["rating"] = n % 3 == 0 ? "ERROR" : "FATAL",
        ["updateTime"] = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero).AddMinutes(n).ToString("O", CultureInfo.InvariantCulture),
        ["workNotes"] = $"seq={n}",
    },
}.ToJsonString();

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>The published bridge as a real process, restarted on the same database after each kill.</summary>
internal sealed class BridgeProcess(string dll, string work, int port, string serviceNowUrl, string? postgres, string name)
{
    private Process? _process;

    public string Url { get; } = $"http://127.0.0.1:{port}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Serilog__MinimumLevel__Default"] = "Warning",
            ["Bridge__Storage__Provider"] = postgres is null ? "Sqlite" : "PostgreSql",
            ["Bridge__Storage__ConnectionString"] = postgres ?? $"Data Source={Path.Combine(work, "bridge.db")}",
            ["Bridge__Storage__InstanceName"] = name,

            // The run sends faster than the default per-client limit (1,200 a minute) allows.
            ["Bridge__Security__PermitsPerMinute"] = "100000",

            // A killed instance's claims are taken over after this (the default is 30 s).
            ["Bridge__Delivery__LeaseDuration"] = "00:00:05",
            ["Bridge__Security__Clients__cloud-alm__Secret"] = "reliability",
            ["Bridge__Security__Clients__cloud-alm__Roles__0"] = "events",
            ["Bridge__Security__Clients__ops__Secret"] = "reliability",

            // Required outside Development once an admin client has a secret; the same on every instance.
            ["Bridge__Security__KeyRing__Key"] = "reliability-run-key-ring-0123456789abcdefghijklmnop",
            ["Bridge__Security__Clients__ops__Roles__0"] = "admin",
            ["Bridge__Destinations__standin__Url"] = serviceNowUrl,
            ["Bridge__Destinations__standin__AllowInsecureHttp"] = "true",
            ["Bridge__Webhooks__incident__Destination"] = "standin",
            ["Bridge__Webhooks__incident__Path"] = "/api/now/table/incident",
            ["Bridge__Webhooks__incident__DestinationType"] = "SNOW",
            ["Bridge__Subscriptions__reliability__Webhook"] = "incident",
            ["Bridge__Subscriptions__reliability__UserVariables__closeCode"] = "Solved (Permanently)",
            ["Bridge__Inbound__WaitForDeliverySeconds"] = "2",
            ["Bridge__Delivery__AttemptTimeout"] = "00:00:02",
            ["Bridge__Delivery__InlineRetryDelay"] = "00:00:00.050",
            ["Bridge__Delivery__MaxInlineRetryDelay"] = "00:00:02",
            ["Bridge__Delivery__RetryBaseDelay"] = "00:00:00.200",
            ["Bridge__Delivery__RetryMaxDelay"] = "00:00:02",
            ["Bridge__Delivery__PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await probe.GetAsync($"{Url}/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("The bridge did not become ready within 15 s.");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }
}
