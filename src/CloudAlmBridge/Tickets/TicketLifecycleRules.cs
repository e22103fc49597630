using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// The lifecycle's choices: what a CLOSED without a ticket does (<c>Bridge:Lifecycle:CloseWithoutTicket</c>), and what
/// a create whose outcome nothing can settle does (each webhook's <c>UnknownOutcome</c>).
/// </summary>
internal sealed class TicketLifecycleRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        check.OneOf($"{ConfigurationCheck.Root}:Lifecycle:CloseWithoutTicket", check.Options.Lifecycle.CloseWithoutTicket,
            LifecycleOptions.Skip, LifecycleOptions.CreateAndClose);
        foreach (var (name, webhook) in check.Options.Webhooks)
        {
            check.OneOf($"{ConfigurationCheck.Root}:Webhooks:{name}:UnknownOutcome", webhook.UnknownOutcome,
                WebhookOptions.Hold, WebhookOptions.CreateAgain,
                " (the situation waits for an operator)", " (a possible duplicate instead of a wait)");
        }
    }
}
