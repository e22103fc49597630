using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Deploy;

/// <summary>
/// Issue 25, "In production": deploy/kubernetes rendered by <c>kubectl kustomize</c> as an operator renders it, every
/// object checked against the Kubernetes (and Prometheus Operator) schemas of the npm package kubernetes-models, and the
/// bridge's own <c>--check</c> run with exactly the environment the manifests give its container (ConfigMap and Secret,
/// placeholders filled; only the storage's location is this machine's), so a typo in a manifest fails here.
/// </summary>
public sealed class KubernetesManifestTests : IDisposable
{
    private static readonly string Tools = Repository.File("eng", "kubernetes");
    private static readonly SemaphoreSlim NpmInstall = new(1, 1);
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Overlays => ["overlays/single", "overlays/postgresql", "examples/everything"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryRenderedObject_IsValidAgainstTheKubernetesSchemas(string overlay)
    {
        var rendered = await RenderAsync(overlay);

        var validation = await RunAsync("node", [Path.Combine(Tools, "validate.mjs")], rendered);

        Assert.True(validation.ExitCode == 0, validation.Output + validation.Error);
        Assert.DoesNotContain("error ", validation.Output, StringComparison.Ordinal);
        Assert.Contains("ok Deployment/cloudalmbridge", validation.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheValidator_RefusesAMisspeltField_AndAWrongType()
    {
        var rendered = await RenderAsync("overlays/single");

        var misspelt = await RunAsync("node", [Path.Combine(Tools, "validate.mjs")], rendered.Replace("readinessProbe:", "readinesProbe:", StringComparison.Ordinal));
        var wrongType = await RunAsync("node", [Path.Combine(Tools, "validate.mjs")], rendered.Replace("replicas: 1", "replicas: one", StringComparison.Ordinal));

        Assert.Equal(1, misspelt.ExitCode);
        Assert.Contains("readinesProbe", misspelt.Output + misspelt.Error, StringComparison.Ordinal);
        Assert.Equal(1, wrongType.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task TheBridgesCheck_PassesWithTheConfigurationTheManifestsGiveIt(string overlay)
    {
        var objects = await ObjectsAsync(overlay);
        var environment = await ContainerEnvironmentAsync(objects, fillPlaceholders: true);

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Check passed", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a setting the bridge reads", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("is named by no", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsShipped_EverySecretIsAPlaceholder_ThatTheCheckNames()
    {
        var objects = await ObjectsAsync("overlays/postgresql");
        var environment = await ContainerEnvironmentAsync(objects, fillPlaceholders: false);

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(1, result.ExitCode);
        foreach (var key in new[] { "Bridge:Security:Clients:cloud-alm:Secret", "Bridge:Security:Clients:ops:Secret", "Bridge:Security:Tokens:SigningKey",
                     "Bridge:Security:KeyRing:Key", "Bridge:Destinations:servicenow:Authentication:Password" })
        {
            Assert.Contains($"{key}: still the example's placeholder", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AMisspeltKeyInTheConfigMap_IsNamedByTheCheck()
    {
        var objects = await ObjectsAsync("overlays/single");
        var environment = await ContainerEnvironmentAsync(objects, fillPlaceholders: true);
        environment["Bridge__Destinations__servicenow__Urll"] = environment["Bridge__Destinations__servicenow__Url"];
        environment.Remove("Bridge__Destinations__servicenow__Url");

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Bridge:Destinations:servicenow:Url", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task TheProbesSecurityAndResources_AreAsTheBridgesEndpointsMeanThem(string overlay)
    {
        var objects = await ObjectsAsync(overlay);
        var deployment = Single(objects, "Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]!.AsArray().Single()!;

        // Startup covers migrations (the bridge listens only after them); liveness is the process; readiness the storage.
        Assert.Equal("/health/live", (string?)container["startupProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/health/live", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/health/ready", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
        Assert.NotNull(container["resources"]!["requests"]!["memory"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        // Long enough for .NET's 30 s shutdown (deliveries in flight finish or go back) after the preStop pause.
        Assert.True((int)pod["terminationGracePeriodSeconds"]! >= 35);
        Assert.Contains(container["envFrom"]!.AsArray(), source => source!["secretRef"] is not null);
        Assert.Contains(container["envFrom"]!.AsArray(), source => source!["configMapRef"] is not null);

        var replicas = (int?)deployment["spec"]!["replicas"];
        if (overlay == "overlays/single")
        {
            Assert.Equal(1, replicas);
            Assert.Equal("Recreate", (string?)deployment["spec"]!["strategy"]!["type"]);
            Assert.Contains(objects, o => (string?)o["kind"] == "PersistentVolumeClaim");
            Assert.DoesNotContain(objects, o => (string?)o["kind"] == "HorizontalPodAutoscaler");
        }
        else
        {
            Assert.Contains(objects, o => (string?)o["kind"] == "PodDisruptionBudget");
            Assert.True(replicas is null or >= 2, $"replicas {replicas}");
        }
    }

    [Fact]
    public async Task ThePrometheusRule_HoldsExactlyTheAlertRulesFile()
    {
        var objects = await ObjectsAsync("examples/everything");
        var rule = Single(objects, "PrometheusRule");
        var file = JsonNode.Parse((await RunAsync("node", [Path.Combine(Tools, "to-json.mjs")],
            await File.ReadAllTextAsync(Repository.File("docs", "prometheus-alerts.yml")))).Output)!.AsArray().Single()!;

        Assert.True(JsonNode.DeepEquals(file["groups"], rule["spec"]!["groups"]), "deploy/kubernetes/components/prometheus/prometheusrule.yaml differs from docs/prometheus-alerts.yml");
        Assert.Contains(objects, o => (string?)o["kind"] == "ServiceMonitor");
        Assert.Contains(objects, o => (string?)o["kind"] == "NetworkPolicy");
        Assert.Contains(objects, o => (string?)o["kind"] == "HorizontalPodAutoscaler");
    }

    public void Dispose() => _directory.Dispose();

    private static JsonNode Single(List<JsonNode> objects, string kind) => objects.Single(o => (string?)o["kind"] == kind);

    /// <summary>What the bridge's container gets as its environment, with the image's own variables and the storage on this machine.</summary>
    private async Task<Dictionary<string, string>> ContainerEnvironmentAsync(List<JsonNode> objects, bool fillPlaceholders)
    {
        var container = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The Dockerfile's ENV.
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_HTTP_PORTS"] = "8080",
        };
        foreach (var source in container["envFrom"]!.AsArray())
        {
            var (kind, name) = source!["configMapRef"] is { } map ? ("ConfigMap", (string)map["name"]!) : ("Secret", (string)source["secretRef"]!["name"]!);
            var found = objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);
            foreach (var (key, value) in found["data"]!.AsObject())
            {
                environment[key] = kind == "Secret" ? Encoding.UTF8.GetString(Convert.FromBase64String((string)value!)) : (string)value!;
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            environment[(string)variable!["name"]!] = (string?)variable["value"] ?? "cloudalmbridge-7d9f8-abcde";
        }

        if (fillPlaceholders)
        {
            foreach (var key in environment.Keys.Where(k => environment[k].Contains("change-me", StringComparison.Ordinal)).ToList())
            {
                environment[key] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            }
        }

        // The storage where this machine has it: the persistent volume's folder, or the test PostgreSQL server.
        environment["Bridge__Storage__ConnectionString"] = environment.GetValueOrDefault("Bridge__Storage__Provider") == "PostgreSql"
            ? await (await PostgreSqlServer.GetAsync()).CreateDatabaseAsync()
            : $"Data Source={_directory.File("bridge.db")}";
        return environment;
    }

    private static async Task<List<JsonNode>> ObjectsAsync(string overlay)
    {
        var json = await RunAsync("node", [Path.Combine(Tools, "to-json.mjs")], await RenderAsync(overlay));
        Assert.True(json.ExitCode == 0, json.Error);
        return [.. JsonNode.Parse(json.Output)!.AsArray().Select(o => o!)];
    }

    private static async Task<string> RenderAsync(string overlay)
    {
        await EnsureToolsAsync();
        var result = await RunAsync("kubectl", ["kustomize", Repository.File(["deploy", "kubernetes", .. overlay.Split('/')])]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {overlay}: {result.Error}");
        return result.Output;
    }

    /// <summary>The validator's npm packages, installed once from its lock file as a restore would (.ci/run does it first).</summary>
    private static async Task EnsureToolsAsync()
    {
        await NpmInstall.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(Tools, "node_modules", "kubernetes-models")))
            {
                var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", Tools]);
                Assert.True(install.ExitCode == 0, $"npm ci in eng/kubernetes failed (Node.js and npm are needed): {install.Output}{install.Error}");
            }
        }
        finally
        {
            NpmInstall.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string[] arguments, string? input = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
