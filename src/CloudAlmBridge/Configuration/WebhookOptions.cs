namespace CloudAlmBridge.Configuration;

/// <summary>A resource on a destination, e.g. ServiceNow's incident table.</summary>
public sealed class WebhookOptions
{
    public const string ServiceNow = "SNOW";
    public const string Jira = "JIRA";
    public const string Generic = "GENERIC";

    public static readonly IReadOnlyList<string> DestinationTypes = [ServiceNow, Jira, Generic];

    public string? Destination { get; set; }

    /// <summary>Appended to the destination URL, e.g. <c>/api/now/table/incident</c>.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary><c>SNOW</c>, <c>JIRA</c> or <c>GENERIC</c>.</summary>
    public string DestinationType { get; set; } = Generic;

    /// <summary><c>Incident</c>, <c>Case</c>, <c>Issue</c>, ...: picks the built-in mapping when a subscription names none.</summary>
    public string? ExternalResourceType { get; set; }
}
