namespace CloudAlmBridge.Configuration;

/// <summary>A resource on a destination, e.g. ServiceNow's incident table.</summary>
public sealed class WebhookOptions
{
    public const string ServiceNowType = "SNOW";
    public const string JiraType = "JIRA";
    public const string GenericType = "GENERIC";

    public static readonly IReadOnlyList<string> DestinationTypes = [ServiceNowType, JiraType, GenericType];

    public string? Destination { get; set; }

    /// <summary>Appended to the destination URL, e.g. <c>/api/now/table/incident</c>.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary><c>SNOW</c>, <c>JIRA</c> or <c>GENERIC</c>.</summary>
    public string DestinationType { get; set; } = GenericType;

    /// <summary><c>Incident</c>, <c>Case</c>, <c>Issue</c>, ...: picks the built-in mapping when a subscription names none.</summary>
    public string? ExternalResourceType { get; set; }

    /// <summary>
    /// How to ask the target whether a situation's ticket exists: for a <c>GENERIC</c> webhook its path, so a create
    /// whose outcome is unknown is settled (without it, the situation is held); for every webhook the settle time.
    /// </summary>
    public WebhookLookupOptions? Lookup { get; set; }

    /// <summary>
    /// For a <c>GENERIC</c> webhook: the harmless <c>GET</c> that "test connection" sends, appended to the webhook's URL
    /// (<c>?limit=1</c>, <c>/me</c>): one the target answers <c>2xx</c> only with valid credentials. Without it the test
    /// sends <c>HEAD</c> (then <c>GET</c>) on the webhook's URL, which shows reachability but proves the credentials only
    /// when answered <c>2xx</c>.
    /// </summary>
    public string? TestPath { get; set; }

    /// <summary>For a <c>JIRA</c> webhook: which Jira it is, which decides how the bridge searches it.</summary>
    public JiraWebhookOptions? Jira { get; set; }

    /// <summary>
    /// When the bridge cannot know whether a create made a ticket (no look-up, or one the ticket system refuses):
    /// <c>Hold</c> (default: the situation waits for an operator) or <c>CreateAgain</c> (a possible duplicate rather than a wait).
    /// </summary>
    public string UnknownOutcome { get; set; } = Hold;

    public const string Hold = "Hold";
    public const string CreateAgain = "CreateAgain";

    /// <summary>The kind of ticket system, read from <see cref="DestinationType"/> (validated at start).</summary>
    public TicketSystemKind Kind => DestinationType.ToUpperInvariant() switch
    {
        ServiceNowType => TicketSystemKind.ServiceNow,
        JiraType => TicketSystemKind.Jira,
        _ => TicketSystemKind.Generic,
    };
}

/// <summary>A Jira webhook's own settings.</summary>
public sealed class JiraWebhookOptions
{
    public const string Auto = "Auto";
    public const string Cloud = "Cloud";
    public const string DataCenter = "DataCenter";

    public static readonly IReadOnlyList<string> Deployments = [Auto, Cloud, DataCenter];

    /// <summary>
    /// <c>Auto</c> (default: asked once from <c>GET /rest/api/2/serverInfo</c>), <c>Cloud</c> (searches through
    /// <c>/rest/api/3/search/jql</c>) or <c>DataCenter</c> (also Server: <c>/rest/api/2/search</c>).
    /// </summary>
    public string Deployment { get; set; } = Auto;
}

/// <summary>
/// How the bridge finds a situation's ticket: a GET on a generic REST target (<see cref="Path"/>), and for every system
/// how long its search may lag behind a create (<see cref="SettleTime"/>).
/// </summary>
public sealed class WebhookLookupOptions
{
    /// <summary>
    /// How long after a create the look-up may still miss the ticket it made (an eventually consistent search): within
    /// it, "found nothing" after a create whose outcome is unknown proves nothing, and the situation waits. Unset: the
    /// system's own (Jira Cloud two minutes; Jira Data Center, ServiceNow and a generic look-up none).
    /// </summary>
    public TimeSpan? SettleTime { get; set; }

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
