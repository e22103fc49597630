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

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Configuration: valid; subscription demo.", result.Output, StringComparison.Ordinal);
        Assert.Contains(
            "demo → webhook sandbox-incident (SNOW /api/now/table/incident) → destination servicenow-sandbox (http://localhost:5080/sandbox/servicenow, NoAuthentication) → mapping servicenow-incident (built-in)",
            result.Output, StringComparison.Ordinal);
        Assert.Contains($"Storage: Sqlite (", result.Output, StringComparison.Ordinal);
        Assert.Contains("reachable.", result.Output, StringComparison.Ordinal);
        Assert.Contains("Bridge:Subscriptions:demo:Enable is not a setting the bridge reads, so it changes nothing; did you mean 'Enabled'?", result.Output,
            StringComparison.Ordinal);
        Assert.Contains("Bridge:Subscription is not a setting the bridge reads, so it changes nothing; did you mean 'Subscriptions'?", result.Output,
            StringComparison.Ordinal);
        Assert.Contains("Check passed with 2 warning(s).", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", result.All, StringComparison.Ordinal);
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
    private Dictionary<string, string> Demo() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Bridge__Storage__ConnectionString"] = $"Data Source={_directory.File($"{Guid.NewGuid():N}.db")}",
    };
}
