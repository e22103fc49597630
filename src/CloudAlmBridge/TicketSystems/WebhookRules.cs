using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// What a webhook tells its ticket system's adapter: a generic target's test call and look-up, Jira's deployment. Each
/// only where its adapter reads it, so a setting that would be ignored is an error instead.
/// </summary>
internal sealed class WebhookRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        foreach (var (name, webhook) in check.Options.Webhooks)
        {
            Check(check, $"{ConfigurationCheck.Root}:Webhooks:{name}", webhook);
        }
    }

    private static void Check(ConfigurationCheck check, string key, WebhookOptions webhook)
    {
        if (webhook.TestPath is { } testPath)
        {
            if (webhook.Kind != TicketSystemKind.Generic)
            {
                check.Add($"{key}:TestPath: only a GENERIC webhook takes a test path; {webhook.DestinationType} webhooks know their own harmless call");
            }
            else if (testPath.Length == 0 || testPath[0] is not ('/' or '?') || testPath.Contains("#{", StringComparison.Ordinal))
            {
                check.Add($"{key}:TestPath: '{testPath}' must start with '/' or '?' and have no placeholder; it is appended to the webhook's URL, e.g. '?limit=1'");
            }
        }

        if (webhook.Jira is { } jira)
        {
            if (webhook.Kind != TicketSystemKind.Jira)
            {
                check.Add($"{key}:Jira: only a JIRA webhook takes Jira settings; remove it, or set DestinationType to JIRA");
            }
            else if (!JiraWebhookOptions.Deployments.Contains(jira.Deployment, StringComparer.OrdinalIgnoreCase))
            {
                check.Add($"{key}:Jira:Deployment: '{jira.Deployment}' must be one of {string.Join(", ", JiraWebhookOptions.Deployments)} "
                    + "(Auto asks GET /rest/api/2/serverInfo once)");
            }
        }

        if (webhook.Lookup is { } lookup)
        {
            if (lookup.SettleTime is { } settle)
            {
                check.Range($"{key}:Lookup:SettleTime", settle, TimeSpan.Zero, TimeSpan.FromHours(1));
            }

            // A look-up block that only sets the settle time is every system's; a path is a generic target's own.
            if (webhook.Kind == TicketSystemKind.Generic || lookup.Path is not null || lookup.ResultsPointer.Length > 0)
            {
                CheckLookup(check, key, webhook, lookup);
            }
        }
    }

    private static void CheckLookup(ConfigurationCheck check, string key, WebhookOptions webhook, WebhookLookupOptions lookup)
    {
        if (webhook.Kind != TicketSystemKind.Generic)
        {
            check.Add($"{key}:Lookup: only a GENERIC webhook takes a look-up path; {webhook.DestinationType} webhooks look their tickets up by themselves (ServiceNow by correlation_id, Jira by label); remove Lookup:Path and Lookup:ResultsPointer (Lookup:SettleTime stays)");
            return;
        }

        if (string.IsNullOrWhiteSpace(lookup.Path) || lookup.Path[0] is not ('/' or '?'))
        {
            check.Add($"{key}:Lookup:Path: {(string.IsNullOrWhiteSpace(lookup.Path) ? "required" : $"'{lookup.Path}' must start with '/' or '?'")}; "
                + "it is appended to the webhook's URL with the mapping's placeholders, e.g. '?externalRef=#{id}'");
            return;
        }

        if (!JsonPointer.IsValid(lookup.ResultsPointer))
        {
            check.Add($"{key}:Lookup:ResultsPointer: '{lookup.ResultsPointer}' is not a JSON pointer; write '/{lookup.ResultsPointer}'");
        }

        PathTemplate.Compile(lookup.Path, "path", out var templateErrors);
        check.AddRange(templateErrors.Select(e => $"{key}:Lookup:Path: {e.Message}{(e.Hint is null ? string.Empty : $"; {e.Hint}")}"));
    }
}
