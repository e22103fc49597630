namespace CloudAlmBridge.Configuration;

/// <summary>A webhook with its destination looked up.</summary>
internal sealed record ResolvedWebhook(string Name, WebhookOptions Options, string DestinationName, DestinationOptions Destination)
{
    /// <summary>Destination URL plus webhook path: an operation's <c>path</c> is appended to this.</summary>
    public string ResourceUrl => Destination.Url!.TrimEnd('/') + Options.Path;

    public bool IsServiceNow => string.Equals(Options.DestinationType, WebhookOptions.ServiceNow, StringComparison.OrdinalIgnoreCase);

    public bool IsJira => string.Equals(Options.DestinationType, WebhookOptions.Jira, StringComparison.OrdinalIgnoreCase);
}
