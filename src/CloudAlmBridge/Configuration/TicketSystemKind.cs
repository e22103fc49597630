namespace CloudAlmBridge.Configuration;

/// <summary>
/// Which ticket system a webhook writes to: read once from <c>DestinationType</c> when the configuration is resolved,
/// and used only to choose the webhook's adapter (<c>TicketSystems/</c>), which owns everything that differs per system.
/// </summary>
public enum TicketSystemKind
{
    /// <summary><c>GENERIC</c>: any REST target; its look-up, if any, is configured.</summary>
    Generic,

    /// <summary><c>SNOW</c>: ServiceNow's Table API.</summary>
    ServiceNow,

    /// <summary><c>JIRA</c>: Jira Cloud or Jira Data Center.</summary>
    Jira,
}
