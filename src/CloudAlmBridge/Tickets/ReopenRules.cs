using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// <c>Bridge:Subscriptions:{name}:Reopen:Window</c>: a duration long enough to catch a flap and short enough that a
/// reopened ticket is still about the same incident; and a ticket system the bridge knows how to reopen in.
/// </summary>
internal sealed class ReopenRules : IConfigurationRule
{
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan LongestWindow = TimeSpan.FromDays(7);

    public void Check(ConfigurationCheck check)
    {
        foreach (var (name, subscription) in check.Options.Subscriptions)
        {
            if (subscription.Reopen.Window is not { } window)
            {
                continue;
            }

            var key = $"{ConfigurationCheck.Root}:Subscriptions:{name}:Reopen:Window";
            check.Range(key, window, ShortestWindow, LongestWindow);

            // A webhook that does not exist is RoutingRules' error; only a known GENERIC one is this rule's.
            if (subscription.Webhook is { } webhookName && check.Options.Webhooks.TryGetValue(webhookName, out var webhook)
                && string.Equals(webhook.DestinationType, WebhookOptions.GenericType, StringComparison.OrdinalIgnoreCase))
            {
                check.Add($"{key}: webhook {webhookName} is GENERIC, and the bridge knows how to reopen a ticket only in ServiceNow (SNOW) and Jira (JIRA); remove Reopen:Window");
            }
        }
    }
}
