using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Configuration;

/// <summary>A webhook with its destination looked up, and its generic look-up (if any) compiled.</summary>
internal sealed record ResolvedWebhook(string Name, WebhookOptions Options, string DestinationName, DestinationOptions Destination,
    PathTemplate? LookupPath = null)
{
    /// <summary>Destination URL plus webhook path: an operation's <c>path</c> is appended to this.</summary>
    public string ResourceUrl => Destination.Url!.TrimEnd('/') + Options.Path;

    public bool IsServiceNow => string.Equals(Options.DestinationType, WebhookOptions.ServiceNow, StringComparison.OrdinalIgnoreCase);

    public bool IsJira => string.Equals(Options.DestinationType, WebhookOptions.Jira, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The ticket system can be asked whether a situation's ticket exists: ServiceNow by correlation id, Jira by label, a
    /// generic target by its configured look-up. Only then is a create retried after an answer that was lost.
    /// </summary>
    public bool CanLookUp => IsServiceNow || IsJira || LookupPath is not null;
}
