using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>
/// Issue 23, "One room per job", item 2: each feature registers its own configuration rules, every registered rule runs
/// on every build, and the start builds the configuration once (its files read once), a reload once more.
/// </summary>
public sealed class ConfigurationRuleTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task TheStart_BuildsTheConfigurationOnce_AndAReloadOnceMore()
    {
        var file = _directory.File("bridge.json");
        await File.WriteAllTextAsync(file, """{ "Bridge": { "PublicBaseUrl": "https://bridge.example.com" } }""");
        var counting = new CountingRule();
        using var factory = new BridgeFactory(TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("bridge.db")), jsonFile: file);
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IConfigurationRule>(counting)));
        using var client = host.CreateClient();

        Assert.Equal("Healthy", (await client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString());
        Assert.Equal(1, counting.Builds);
        Assert.Equal([true], counting.AtStart);

        // Replaced in one step, as a deployment tool does: a file rewritten in place can be seen by the settings
        // poller half-written and again whole, which is two changes, not the one this test counts.
        var replacement = _directory.File("bridge.json.new");
        await File.WriteAllTextAsync(replacement, """{ "Bridge": { "PublicBaseUrl": "https://bridge2.example.com" } }""");
        File.Move(replacement, file, overwrite: true);
        await Polling.WaitUntilAsync(() => Task.FromResult(counting.Builds >= 2), "the reload's build");
        Assert.Equal([true, false], counting.AtStart);
    }

    [Fact]
    public void EveryRuleOfTheBridge_IsRegistered_AndLivesInItsFeaturesFolder()
    {
        using var factory = new BridgeFactory(TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("rules.db")));
        var registered = factory.Services.GetServices<IConfigurationRule>().Select(r => r.GetType()).ToHashSet();
        var written = typeof(IConfigurationRule).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IConfigurationRule).IsAssignableFrom(t)).ToList();

        Assert.True(written.Count >= 15, $"only {written.Count} rules found");
        Assert.All(written, rule => Assert.Contains(rule, registered));

        // Only the sections the configuration resolves itself stay in Configuration/.
        var inConfiguration = written.Where(t => t.Namespace == typeof(IConfigurationRule).Namespace).Select(t => t.Name).Order().ToList();
        Assert.Equal(["PlaceholderRule", "RoutingRules"], inConfiguration);
    }

    public void Dispose() => _directory.Dispose();

    private sealed class CountingRule : IConfigurationRule
    {
        private readonly List<bool> _atStart = [];

        public int Builds
        {
            get
            {
                lock (_atStart)
                {
                    return _atStart.Count;
                }
            }
        }

        public IReadOnlyList<bool> AtStart
        {
            get
            {
                lock (_atStart)
                {
                    return [.. _atStart];
                }
            }
        }

        public void Check(ConfigurationCheck check)
        {
            lock (_atStart)
            {
                _atStart.Add(check.AtStart);
            }
        }
    }
}
