using System.Diagnostics;
using System.Text.RegularExpressions;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Operations;

/// <summary>
/// Issue 25, "In production": the container's health check as compose.yaml and the Dockerfile run it (the bridge asking
/// its own readiness, since the image has neither curl nor a shell that opens sockets), and how the console's key ring
/// is protected: said at start in the bridge's words, required outside Development, made for the demo.
/// </summary>
public sealed partial class ProductionStartTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task TheHealthCheckOfComposeAndTheImage_PassesAgainstARunningBridge_AndFailsWhenItIsGone()
    {
        var compose = ComposeHealthCheck().Match(await File.ReadAllTextAsync(Repository.File("compose.yaml")));
        Assert.True(compose.Success, "compose.yaml has no healthcheck test");
        var command = Regex.Matches(compose.Groups[1].Value, "\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["CMD", "dotnet", "CloudAlmBridge.dll", "--probe", "ready"], command);
        var dockerfile = await File.ReadAllTextAsync(Repository.File("Dockerfile"));
        Assert.Contains("HEALTHCHECK --interval=10s --timeout=5s --retries=5 CMD [\"dotnet\", \"CloudAlmBridge.dll\", \"--probe\", \"ready\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("WORKDIR /app", dockerfile, StringComparison.Ordinal);

        int port;
        using (var bridge = await BridgeProcess.StartAsync(Environment()))
        {
            port = bridge.BaseAddress!.Port;

            // As the image runs it: in the app's folder, with the port the image sets (ASPNETCORE_HTTP_PORTS).
            var healthy = await RunAsync(command[1..], port);
            Assert.True(healthy.ExitCode == 0, healthy.Output);
            Assert.Contains("/health/ready answered 200", healthy.Output, StringComparison.Ordinal);
        }

        var gone = await RunAsync(command[1..], port);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("did not answer", gone.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProbe_AsksLivenessToo_AndRefusesAnUnknownCheck()
    {
        using var bridge = await BridgeProcess.StartAsync(Environment());

        var live = await BridgeProcess.RunAsync(new Dictionary<string, string>(), "--probe", "live", "--url", bridge.BaseAddress!.ToString());
        var unknown = await BridgeProcess.RunAsync(new Dictionary<string, string>(), "--probe", "everything");

        Assert.True(live.ExitCode == 0, live.All);
        Assert.Contains("/health/live answered 200", live.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--probe takes 'ready' or 'live'", unknown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopment_TheKeyRingKeyIsRequired_NamingTheKey()
    {
        var environment = Environment();
        environment.Remove("Bridge__Security__KeyRing__Key");

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Bridge:Security:KeyRing:Key: required outside Development", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnAdminSecret_NoKeyIsNeeded_AndTheKeyRingStaysInMemory_NeverInTheDatabase()
    {
        var environment = Environment();
        environment.Remove("Bridge__Security__KeyRing__Key");
        environment.Remove("Bridge__Security__Clients__ops__Secret");
        environment["Bridge__Security__Clients__ops__CertificateThumbprints__0"] = new string('B', 64);

        using (var bridge = await BridgeProcess.StartAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = bridge.BaseAddress };
            (await client.GetAsync("/console/login")).EnsureSuccessStatusCode();
            await Polling.WaitUntilAsync(() => Task.FromResult(bridge.Output.Contains("Console key ring:", StringComparison.Ordinal)), "the key ring's start line");

            Assert.Contains("Console key ring: in this process's memory only", bridge.Output.Replace("\"", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("No XML encryptor configured", bridge.Output, StringComparison.Ordinal);
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_directory.File("bridge.db")}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM data_protection_keys;";
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task TheDemosFirstStart_EncryptsItsKeyRingWithAKeyBesideTheDatabase_AndSaysSo_WithoutDataProtectionsWarning()
    {
        var environment = Environment();
        environment.Remove("Bridge__Security__KeyRing__Key");
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";

        using (var bridge = await BridgeProcess.StartAsync(environment))
        {
            // The login form's antiforgery token makes the first key of the key ring.
            using var client = new HttpClient { BaseAddress = bridge.BaseAddress };
            (await client.GetAsync("/console/login")).EnsureSuccessStatusCode();
            await Polling.WaitUntilAsync(() => Task.FromResult(bridge.Output.Contains("Console key ring:", StringComparison.Ordinal)), "the key ring's start line");

            var output = bridge.Output.Replace("\"", string.Empty, StringComparison.Ordinal);
            var keyFile = _directory.File("key-ring.key");
            Assert.Contains("Console key ring: in the bridge's database, each key encrypted with AES-256-GCM under key ", output, StringComparison.Ordinal);
            Assert.Contains($"the development key in {keyFile}", output, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted", output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("No XML encryptor configured", output, StringComparison.Ordinal);
            Assert.True(File.Exists(keyFile));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }
        }
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] command, int port)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private Dictionary<string, string> Environment()
    {
        var environment = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("bridge.db"))
            .Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Serilog__MinimumLevel__Default"] = "Information";
        return environment;
    }

    // The shared block's health check: the first "test:" of compose.yaml, a JSON-style list.
    [GeneratedRegex(@"healthcheck:\s*\n(?:\s*#.*\n)*\s*test:\s*\[(.*)\]")]
    private static partial Regex ComposeHealthCheck();
}
