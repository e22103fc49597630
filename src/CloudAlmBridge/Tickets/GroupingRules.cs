using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// <c>Bridge:Subscriptions:{name}:Grouping</c>: a key that compiles in the mapping language and names at least one
/// attribute (a constant key would put every situation of the subscription into one ticket), a window together with
/// it, a close policy the bridge knows, and a ticket system the bridge knows how to write notes in.
/// </summary>
internal sealed class GroupingRules : IConfigurationRule
{
    /// <summary>Shorter than a storm takes to arrive; a group must at least hold what one outage raises in a minute.</summary>
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromMinutes(1);

    /// <summary>Longer, and unrelated situations of a long-lived key (a service) end up in one old ticket.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromDays(1);

    public void Check(ConfigurationCheck check)
    {
        foreach (var (name, subscription) in check.Options.Subscriptions)
        {
            var grouping = subscription.Grouping;
            var prefix = $"{ConfigurationCheck.Root}:Subscriptions:{name}:Grouping";
            var hasKey = !string.IsNullOrWhiteSpace(grouping.Key);
            if (!hasKey && grouping.Window is null)
            {
                continue;
            }

            if (!hasKey)
            {
                check.Add($"{prefix}:Key: required with Grouping:Window, e.g. '#{{serviceId}}' (the attributes that make situations one group)");
            }
            else
            {
                CheckKey(check, $"{prefix}:Key", grouping.Key!);
            }

            if (grouping.Window is not { } window)
            {
                check.Add($"{prefix}:Window: required with Grouping:Key, e.g. 00:10:00 (how long after a group's opening a situation of its key joins it)");
            }
            else
            {
                check.Range($"{prefix}:Window", window, ShortestWindow, LongestWindow);
            }

            check.OneOf($"{prefix}:Close", grouping.Close, GroupingOptions.LastMember, GroupingOptions.Never,
                " (the last member's close closes the ticket)", " (a human closes it)");

            // A webhook that does not exist is RoutingRules' error; only a known GENERIC one is this rule's.
            if (subscription.Webhook is { } webhookName && check.Options.Webhooks.TryGetValue(webhookName, out var webhook)
                && string.Equals(webhook.DestinationType, WebhookOptions.GenericType, StringComparison.OrdinalIgnoreCase))
            {
                check.Add($"{prefix}:Key: webhook {webhookName} is GENERIC, and the bridge knows how to add a group's notes only in ServiceNow (SNOW) and Jira (JIRA); remove Grouping");
            }
        }
    }

    private static void CheckKey(ConfigurationCheck check, string key, string text)
    {
        if (KeyTemplate.Compile(text, key, out var errors) is null)
        {
            foreach (var error in errors)
            {
                check.Add($"{key}: '{text}' is not a key in the mapping language: {error.Message}");
            }

            return;
        }

        if (!text.Contains("#{", StringComparison.Ordinal))
        {
            check.Add($"{key}: '{text}' names no attribute, so every situation would join one group; write placeholders such as '#{{serviceId}}' or '#{{serviceId}}|#{{eventType}}'");
        }
    }
}
