using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>
/// Issue 13: what an operator sees at the console. A configuration that stops the start is a clean report with exit
/// code 1; <c>--check</c> validates and prints what is in force without serving; misspelt keys are warned about.
/// </summary>
public sealed class OperatorStartTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task ABrokenMappingFile_StopsTheStart_WithOneErrorPerLine_NoStackTrace_NoFollowOn_ExitCode1()
    {
        var mapping = _directory.File("acme-incident.json");
        await File.WriteAllTextAsync(mapping, "{ \"structure\": { \"request\": { \"a\": \"#{id}\" } },\n  \"eventTypeMapping\": }\n");
        var environment = Demo();
        environment["Bridge__Mappings__acme-incident__File"] = mapping;
        environment["Bridge__Subscriptions__demo__Mapping"] = "acme-incident";
        environment["Bridge__Destinations__servicenow-sandbox__Url"] = "not a url";

        var result = await BridgeProcess.RunAsync(environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CloudAlmBridge did not start: the configuration has 2 errors.", result.Error, StringComparison.Ordinal);
        var lines = result.Error.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("Bridge:Mappings:acme-incident: not valid JSON at line 2, column ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Bridge:Destinations:servicenow-sandbox:Url: 'not a url' is not an absolute http(s) URL", StringComparison.Ordinal));
        Assert.DoesNotContain("unknown mapping", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Change the reader options", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_OnAValidConfiguration_PrintsWhatIsInForce_WarnsAboutMisspeltKeys_AndExits0WithoutServing()
    {
        var environment = Demo();
        environment["Bridge__Subscriptions__demo__Enable"] = "false";
        environment["Bridge__Subscription__second__Webhook"] = "sandbox-incident";
        environment["Bridge__Subscriptions__demo__Reopen__Window"] = "00:30:00";
        environment["Bridge__Maintenance__saturdays__Schedule"] = "0 22 * * SAT";
        environment["Bridge__Maintenance__saturdays__Duration"] = "04:00:00";
        environment["Bridge__Maintenance__saturdays__AtEnd"] = "Drop";

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Configuration: valid; subscription demo (reopens within 00:30:00); maintenance window saturdays (every '0 22 * * SAT' in UTC for 04:00:00, covers all subscriptions, at its end Drop).",
            result.Output, StringComparison.Ordinal);
        Assert.Contains(
            "demo (reopens within 00:30:00) → webhook sandbox-incident (SNOW /api/now/table/incident) → destination servicenow-sandbox (http://localhost:5080/sandbox/servicenow, NoAuthentication) → mapping servicenow-incident (built-in)",
            result.Output, StringComparison.Ordinal);
        Assert.Contains($"Storage: Sqlite (", result.Output, StringComparison.Ordinal);
        Assert.Contains("reachable; no schema yet: the start creates it", result.Output, StringComparison.Ordinal);
        Assert.Contains("Bridge:Subscriptions:demo:Enable is not a setting the bridge reads, so it changes nothing; did you mean 'Enabled'?", result.Output,
            StringComparison.Ordinal);
        Assert.Contains("Bridge:Subscription is not a setting the bridge reads, so it changes nothing; did you mean 'Subscriptions'?", result.Output,
            StringComparison.Ordinal);
        Assert.Contains("Check passed with 2 warning(s).", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_FromAnotherFolder_ReadsTheBridgesOwnFiles_AndSaysWhichFolder()
    {
        // As systemd or a script starts it: the current directory is anywhere, and nothing of the bridge's is there.
        var environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" };

        var result = await BridgeProcess.RunInAsync(_directory.Path, environment, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Files (appsettings, mappings, relative paths) from: {AppContext.BaseDirectory}", result.Output, StringComparison.Ordinal);
        Assert.Contains("Configuration: valid; subscription demo.", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "data")), "the database is the bridge's, not the current directory's");
    }

    [Fact]
    public async Task Check_OnAnInvalidConfiguration_ListsTheErrors_AndExits1()
    {
        var environment = Demo();
        environment["Bridge__Subscriptions__demo__Webhook"] = "sandbox-incidnet";

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Bridge:Subscriptions:demo:Webhook: unknown webhook 'sandbox-incidnet'; known: sandbox-incident", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithStorageThatCannotBeReached_SaysSo_AndExits1()
    {
        var environment = Demo();
        environment["Bridge__Storage__Provider"] = "PostgreSql";
        environment["Bridge__Storage__ConnectionString"] = "Host=127.0.0.1;Port=9;Database=bridge;Username=bridge;Password=secret-never-shown;Timeout=3";

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Storage: PostgreSql (127.0.0.1/bridge) cannot be reached", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-never-shown", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEnvFileThatCannotBeUsed_StopsTheStart_NamingTheFileAndTheLine()
    {
        var broken = _directory.File("broken.env");
        await File.WriteAllLinesAsync(broken, ["# a comment", "Bridge__Storage__Provider=Sqlite", "export Bridge__Inbound__MaxBodyBytes 100"]);

        var missing = await BridgeProcess.RunAsync(Demo(), "--env-file", _directory.File("no-such.env"), "--check");
        var malformed = await BridgeProcess.RunAsync(Demo(), "--env-file", broken, "--check");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"--env-file {_directory.File("no-such.env")}: cannot be read", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains($"{broken}:3: not NAME=value", malformed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", missing.All + malformed.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlaceholderLeftInTheEnvFile_StopsTheStartOutsideDevelopment_NamingTheKeyNotTheValue()
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Bridge__Storage__ConnectionString"] = $"Data Source={_directory.File("production.db")}",
        };

        var result = await BridgeProcess.RunAsync(environment, "--env-file", Repository.File("docs", "examples", "servicenow.env"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Bridge:Destinations:servicenow:Authentication:Password: still the example's placeholder: set the real value", result.Error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("change-me", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseOfANewerBridge_StopsCheckAndStart_InOneLine_ExitCode1()
    {
        // A rollback after an upgrade: the newer bridge migrated the file; this one must not guess what it means now.
        var environment = Demo();
        var first = await BridgeProcess.RunAsync(environment, "--check");
        Assert.Contains("no schema yet", first.Output, StringComparison.Ordinal);
        using (var running = await BridgeProcess.StartAsync(environment))
        {
            // Started once: the schema is this bridge's, with a mapping stored over REST that the subscription then names
            // (so the configuration's validation itself needs the database).
            using var admin = new HttpClient { BaseAddress = running.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:demo-admin-secret")));
            var stored = await admin.PutAsync("/api/v1/mappings/stored-copy",
                Events.Json(await File.ReadAllTextAsync(Repository.File("docs", "examples", "generic-ticket.json"))));
            Assert.Equal(System.Net.HttpStatusCode.Created, stored.StatusCode);
        }

        environment["Bridge__Subscriptions__demo__Mapping"] = "stored-copy";

        var file = environment["Bridge__Storage__ConnectionString"]["Data Source=".Length..];
        int known;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT MAX(version) FROM schema_version";
            known = Convert.ToInt32(await read.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            await using var bump = connection.CreateCommand();
            bump.CommandText = $"UPDATE schema_version SET version = {known + 1}";
            await bump.ExecuteNonQueryAsync();
        }

        var check = await BridgeProcess.RunAsync(environment, "--check");
        var start = await BridgeProcess.RunAsync(environment);

        var expected = $"has schema version {known + 1}, newer than this bridge's {known}: upgrade the bridge.";
        Assert.Equal(1, check.ExitCode);
        Assert.Contains(expected, check.Output, StringComparison.Ordinal);
        Assert.Equal(1, start.ExitCode);
        Assert.Single(start.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(expected, StringComparison.Ordinal)
            && l.StartsWith("CloudAlmBridge did not start: ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", start.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", start.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStart_SaysWhatIsInForce_InOneLine_AndWarnsAboutMisspeltKeys()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("start.db"));
        settings["Serilog:MinimumLevel:Default"] = "Information";
        settings["Bridge:Subscriptions:calm-to-snow:Enable"] = "false";
        using var factory = new BridgeFactory(settings);
        _ = factory.Server;

        await Polling.WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains("CloudAlmBridge is ready", StringComparison.Ordinal))),
            "the start line");
        var lines = factory.Logs.Lines.Select(l => l.Replace("\"", string.Empty, StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("CloudAlmBridge is ready: subscription", StringComparison.Ordinal)
            && l.Contains(TestSettings.Subscription, StringComparison.Ordinal) && l.Contains("storage Sqlite (", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Warning", StringComparison.Ordinal)
            && l.Contains("Bridge:Subscriptions:calm-to-snow:Enable is not a setting the bridge reads", StringComparison.Ordinal)
            && l.Contains("did you mean 'Enabled'?", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>The embedded defaults of a first run (Development: the sandbox and the demo subscription), on a file of its own.</summary>
    [Fact]
    public async Task ASecondBridgeOnTheSameSqliteFile_StopsAtItsStart_SayingWhy_WhileCheckStillReadsBesideIt()
    {
        var environment = Demo();
        using (var first = await BridgeProcess.StartAsync(environment))
        {
            var second = await BridgeProcess.RunAsync(environment);

            Assert.Equal(1, second.ExitCode);
            Assert.Contains("CloudAlmBridge did not start: the SQLite database", second.Error, StringComparison.Ordinal);
            Assert.Contains("is in use by another bridge process", second.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", second.All, StringComparison.Ordinal);

            // --check changes nothing and takes no lock: an operator runs it beside the bridge in force.
            var check = await BridgeProcess.RunAsync(environment, "--check");
            Assert.Equal(0, check.ExitCode);
        }

        // The lock goes with the process: the next start on the file works.
        using var again = await BridgeProcess.StartAsync(environment);
        Assert.NotNull(again.BaseAddress);
    }

    private Dictionary<string, string> Demo() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Bridge__Storage__ConnectionString"] = $"Data Source={_directory.File($"{Guid.NewGuid():N}.db")}",
    };
}
