using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// The lifecycle's choices: what a CLOSED without a ticket does (<c>Bridge:Lifecycle:CloseWithoutTicket</c>), when the
/// look-up before a create is asked (<c>LookupBeforeCreate</c>, <c>LookupSkipWindow</c>), and what a create whose
/// outcome nothing can settle does (each webhook's <c>UnknownOutcome</c>).
/// </summary>
internal sealed class TicketLifecycleRules : IConfigurationRule
{
    /// <summary>
    /// Longer would let a restored database or a second ticket-creating system go unnoticed for longer; shorter than a
    /// second skips nothing a clock can tell apart.
    /// </summary>
    private static readonly TimeSpan LongestSkipWindow = TimeSpan.FromDays(1);

    public void Check(ConfigurationCheck check)
    {
        var lifecycle = check.Options.Lifecycle;
        check.OneOf($"{ConfigurationCheck.Root}:Lifecycle:CloseWithoutTicket", lifecycle.CloseWithoutTicket,
            LifecycleOptions.Skip, LifecycleOptions.CreateAndClose);
        check.OneOf($"{ConfigurationCheck.Root}:Lifecycle:LookupBeforeCreate", lifecycle.LookupBeforeCreate,
            LifecycleOptions.Auto, LifecycleOptions.Always);
        check.Range($"{ConfigurationCheck.Root}:Lifecycle:LookupSkipWindow", lifecycle.LookupSkipWindow, TimeSpan.FromSeconds(1), LongestSkipWindow);
        foreach (var (name, webhook) in check.Options.Webhooks)
        {
            check.OneOf($"{ConfigurationCheck.Root}:Webhooks:{name}:UnknownOutcome", webhook.UnknownOutcome,
                WebhookOptions.Hold, WebhookOptions.CreateAgain,
                " (the situation waits for an operator)", " (a possible duplicate instead of a wait)");
        }
    }
}
