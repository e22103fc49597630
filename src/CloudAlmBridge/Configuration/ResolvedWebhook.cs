using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Configuration;

/// <summary>A webhook with its destination looked up, and its generic look-up (if any) compiled.</summary>
internal sealed record ResolvedWebhook(string Name, WebhookOptions Options, string DestinationName, DestinationOptions Destination,
    PathTemplate? LookupPath = null)
{
    /// <summary>The destination's URL without a trailing slash: Jira's own routes (<c>/rest/api/…</c>) are appended to it.</summary>
    public string DestinationUrl => Destination.Url!.TrimEnd('/');

    /// <summary>Destination URL plus webhook path: an operation's <c>path</c> is appended to this.</summary>
    public string ResourceUrl => DestinationUrl + Options.Path;

    /// <summary>Which ticket system this is: it chooses the webhook's adapter, and nothing else asks it.</summary>
    public TicketSystemKind Kind { get; } = Options.Kind;

    /// <summary>
    /// <c>UnknownOutcome</c> is <c>CreateAgain</c>: when nothing can settle whether a create made a ticket, the bridge
    /// creates again (a possible duplicate) instead of holding the situation for an operator.
    /// </summary>
    public bool CreatesAgainWhenUnknown =>
        string.Equals(Options.UnknownOutcome, WebhookOptions.CreateAgain, StringComparison.OrdinalIgnoreCase);
}
