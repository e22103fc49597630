using System.Security.Cryptography;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Docs;

/// <summary>
/// Issue 26, "keep it true": every example configuration the docs hand out (the env files, compose.env, and the JSON of
/// the configuration page and the guides), run through <c>--check</c> as a user would run it outside a container:
/// <c>dotnet CloudAlmBridge.dll --env-file FILE --check</c>, in Production. As shipped, each placeholder is an error
/// naming its key; with the placeholders filled, the configuration is valid.
/// </summary>
public sealed class ExampleConfigurationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Examples =>
    [
        "docs/examples/servicenow.env",
        "docs/examples/jira.env",
        "docs/examples/generic.env",
        "compose.env",
        "docs/configuration.md#A complete example",
        "docs/jira-setup.md#2. The bridge's configuration",
        "docs/generic-rest-setup.md#2. The bridge's configuration",
    ];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task AsShipped_EveryPlaceholderIsAnError_NamingItsKey(string example)
    {
        var file = EnvFile(example);
        var placeholders = Placeholders(file);
        Assert.NotEmpty(placeholders);

        var result = await CheckAsync(file, Filled(file, fillPlaceholders: false));

        Assert.Equal(1, result.ExitCode);
        foreach (var key in placeholders)
        {
            Assert.Contains($"{key}: still the example's placeholder: set the real value", result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("change-me", result.Output.Replace("change-me…", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task WithThePlaceholdersFilled_TheConfigurationIsValid(string example)
    {
        var file = EnvFile(example);

        var result = await CheckAsync(file, Filled(file, fillPlaceholders: true));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Configuration: valid; subscription ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a setting the bridge reads", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is named by no", result.Output, StringComparison.Ordinal);
        Assert.Contains("Check passed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGenericGuidesOldLookUpUnderAnotherWebhookName_IsWarnedAbout()
    {
        // Pasted as the guide once gave it: a second webhook 'tickets' with the look-up, which no subscription names.
        var file = EnvFile("docs/examples/generic.env");
        var filled = Filled(file, fillPlaceholders: true);
        File.AppendAllLines(filled,
        [
            "Bridge__Webhooks__tickets__Destination=tickets",
            "Bridge__Webhooks__tickets__Path=/api/v2/tickets",
            "Bridge__Webhooks__tickets__DestinationType=GENERIC",
            "Bridge__Webhooks__tickets__Lookup__Path=?externalReference=#{id}",
        ]);

        var result = await CheckAsync(file, filled);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: Bridge:Webhooks:tickets is named by no subscription, so it changes nothing; the subscriptions name tickets-api",
            result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>The example as an env file: the file itself, or a page's JSON block flattened (':' written '__').</summary>
    private string EnvFile(string example)
    {
        var (path, heading) = example.Split('#') is [var p, var h] ? (p, h) : (example, null);
        var text = File.ReadAllText(Repository.File(path.Split('/')));
        if (heading is null)
        {
            return Repository.File(path.Split('/'));
        }

        var section = text[text.IndexOf($"## {heading}", StringComparison.Ordinal)..];
        var start = section.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var json = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var lines = new List<string>();
        using var document = JsonDocument.Parse(json);
        Flatten(document.RootElement, string.Empty, lines);
        var file = _directory.File($"{Path.GetFileNameWithoutExtension(path)}.env");
        File.WriteAllLines(file, lines);
        return file;
    }

    private static void Flatten(JsonElement element, string name, List<string> lines)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, name.Length == 0 ? property.Name : $"{name}__{property.Name}", lines);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{name}__{index++}", lines);
                }

                break;
            default:
                lines.Add($"{name}={(element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText())}");
                break;
        }
    }

    /// <summary>The keys (with ':') whose value is a placeholder, as the docs tell the reader to replace: change-me…, or a secret written &lt;…&gt;.</summary>
    private static List<string> Placeholders(string file) =>
        [.. File.ReadAllLines(file)
            .Where(l => l.Length > 0 && l[0] != '#' && l.Contains('=', StringComparison.Ordinal))
            .Select(l => (Name: l[..l.IndexOf('=', StringComparison.Ordinal)], Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .Where(s => s.Value.Contains("change-me", StringComparison.Ordinal) || (s.Value.StartsWith('<') && s.Value.EndsWith('>')))
            .Select(s => s.Name.Replace("__", ":", StringComparison.Ordinal))];

    /// <summary>
    /// A second env file, given after the example's, as a user's own values: the storage in a folder of the test's (the
    /// examples name /var/lib/… or none), the generic mapping where its File says it is, and each placeholder a secret.
    /// </summary>
    private string Filled(string example, bool fillPlaceholders)
    {
        var lines = new List<string>
        {
            $"Bridge__Storage__ConnectionString=Data Source={_directory.File($"{Guid.NewGuid():N}.db")}",
            $"Bridge__Mappings__generic-ticket__File={Repository.File("docs", "examples", "generic-ticket.json")}",
        };
        if (!File.ReadAllText(example).Contains("generic-ticket", StringComparison.Ordinal))
        {
            lines.RemoveAt(1);
        }

        if (fillPlaceholders)
        {
            lines.AddRange(Placeholders(example).Select(key =>
                $"{key.Replace(":", "__", StringComparison.Ordinal)}={Convert.ToBase64String(RandomNumberGenerator.GetBytes(33))}"));
        }

        var file = _directory.File($"{Guid.NewGuid():N}.env");
        File.WriteAllLines(file, lines);
        return file;
    }

    private static Task<BridgeProcess.Result> CheckAsync(string example, string filled) =>
        BridgeProcess.RunInAsync("/", new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            "--env-file", example, "--env-file", filled, "--check");
}
