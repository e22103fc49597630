using System.Collections.Frozen;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Mappings;

/// <summary>The mappings shipped inside the bridge (embedded resources), compiled once per process.</summary>
internal static class BuiltInMappings
{
    public const string ServiceNowIncident = "servicenow-incident";
    public const string ServiceNowCase = "servicenow-case";
    public const string JiraIssue = "jira-issue";

    private const string ResourcePrefix = "BuiltInMapping.";

    private static readonly Lazy<FrozenDictionary<string, MappingEntry>> Entries = new(Load);

    // Without these the ticket system refuses the call, so a subscription that lacks one stops the start instead of
    // dead-lettering its first event: Jira needs a project and an issue type to create an issue (400 otherwise), and
    // ServiceNow's base data policy refuses a resolve without a resolution code (403). Variables that only fill
    // optional fields (assignment group, caller, category, ...) are not listed.
    private static readonly FrozenDictionary<string, RequiredUserVariable[]> Required = new Dictionary<string, RequiredUserVariable[]>
    {
        [JiraIssue] =
        [
            new("projectKey", "the key of the Jira project the issues are created in (fields.project.key), e.g. OPS"),
            new("issueType", "the issue type the issues are created with (fields.issuetype.name), e.g. Task"),
        ],
        [ServiceNowIncident] =
        [
            new("closeCode", "the resolution code (close_code) ServiceNow requires to resolve an incident, a value of the instance's close_code choices, e.g. Solved (Permanently)"),
        ],
        [ServiceNowCase] =
        [
            new("resolutionCode", "the resolution code (resolution_code) ServiceNow requires to resolve a case, a value of the instance's resolution_code choices"),
        ],
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyDictionary<string, MappingEntry> All => Entries.Value;

    /// <summary>
    /// The built-in mapping a subscription without <c>Mapping</c> uses, by its webhook's type (docs/api.md §5); none for
    /// a ServiceNow record type other than an incident or a case, which would otherwise quietly get incidents.
    /// </summary>
    public static string? DefaultFor(WebhookOptions webhook) => webhook.DestinationType.ToUpperInvariant() switch
    {
        WebhookOptions.ServiceNowType when string.Equals(webhook.ExternalResourceType, "Case", StringComparison.OrdinalIgnoreCase) => ServiceNowCase,
        WebhookOptions.ServiceNowType when webhook.ExternalResourceType is not { Length: > 0 } type
            || string.Equals(type, "Incident", StringComparison.OrdinalIgnoreCase) => ServiceNowIncident,
        WebhookOptions.JiraType => JiraIssue,
        _ => null,
    };

    /// <summary>The user variables a built-in mapping needs; none for any other mapping.</summary>
    public static IReadOnlyList<RequiredUserVariable> RequiredUserVariables(string mappingName) =>
        Required.GetValueOrDefault(mappingName) ?? [];

    private static FrozenDictionary<string, MappingEntry> Load()
    {
        var assembly = typeof(BuiltInMappings).Assembly;
        var entries = new Dictionary<string, MappingEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var json = reader.ReadToEnd();
            var name = resource[ResourcePrefix.Length..];
            var compilation = MappingDocument.Compile(json);

            // A broken built-in is a bug in this build, not a user error: fail loudly.
            var document = compilation.Document ?? throw new InvalidOperationException(
                $"Built-in mapping '{name}' is invalid: {string.Join("; ", compilation.Errors)}");
            entries[name] = new MappingEntry(name, MappingOrigin.BuiltIn, json, document);
        }

        return entries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
