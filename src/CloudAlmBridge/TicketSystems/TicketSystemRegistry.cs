using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.TicketSystems;

/// <summary>The adapter of each kind of ticket system: the one place that turns a webhook's kind into its adapter.</summary>
internal sealed class TicketSystemRegistry(ServiceNowSystem serviceNow, JiraSystem jira, GenericRestSystem generic)
{
    public TicketSystem For(ResolvedWebhook webhook) => webhook.Kind switch
    {
        TicketSystemKind.ServiceNow => serviceNow,
        TicketSystemKind.Jira => jira,
        _ => generic,
    };
}
