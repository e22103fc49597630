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

    /// <summary>
    /// For a <c>GENERIC</c> webhook: how to ask the target whether a situation's ticket exists, so a create whose answer
    /// was lost is retried safely. Without it such a create is dead-lettered as "outcome unknown".
    /// </summary>
    public WebhookLookupOptions? Lookup { get; set; }
}

/// <summary>A GET that finds a situation's ticket on a generic REST target.</summary>
public sealed class WebhookLookupOptions
{
    /// <summary>
    /// Appended to the webhook's resource URL like an operation's <c>path</c>, with the mapping's placeholders:
    /// <c>?externalRef=#{id}</c> or <c>/by-reference/#{id}</c>.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// A JSON pointer to the matches in the answer, e.g. <c>/items</c>: an array (its first element is the ticket; empty
    /// means none) or one object. Empty: the answer itself. A <c>404</c> answer means none.
    /// </summary>
    public string ResultsPointer { get; set; } = string.Empty;
}
