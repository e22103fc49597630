using System.Collections.Concurrent;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;

namespace CloudAlmBridge.TicketSystems;

/// <summary>Which Jira a destination is: it decides how the bridge searches it.</summary>
internal enum JiraDeployment
{
    /// <summary>Jira Cloud: <c>/rest/api/3/search/jql</c>, eventually consistent; <c>/rest/api/2/search</c> answers 410.</summary>
    Cloud,

    /// <summary>Jira Data Center or Server: <c>/rest/api/2/search</c>, consistent; no <c>/search/jql</c>.</summary>
    DataCenter,
}

/// <summary>The deployment, and how the bridge knows it (configured, asked, or guessed from the host's name).</summary>
internal sealed record JiraDeploymentFound(JiraDeployment Deployment, string Source)
{
    public string Describe() => $"Jira {(Deployment == JiraDeployment.Cloud ? "Cloud" : "Data Center")} ({Source})";
}

/// <summary>
/// <c>Bridge:Webhooks:x:Jira:Deployment</c>: <c>Cloud</c> or <c>DataCenter</c> as configured; <c>Auto</c> asks
/// <c>GET /rest/api/2/serverInfo</c> once per destination URL (its <c>deploymentType</c> is <c>Cloud</c>, <c>Server</c>
/// or <c>DataCenter</c> on every Jira). A Jira that will not say is taken for Cloud when its host is an Atlassian
/// site (<c>*.atlassian.net</c>, as Alertmanager's <c>api_type: auto</c> does), else for Data Center, with a warning.
/// </summary>
internal sealed class JiraDeployments(TicketSystemClient client, ILogger<JiraDeployments> logger)
{
    private readonly ConcurrentDictionary<string, JiraDeploymentFound> _found = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<JiraDeploymentFound> FindAsync(ResolvedWebhook webhook, CancellationToken cancellationToken)
    {
        var configured = webhook.Options.Jira?.Deployment ?? JiraWebhookOptions.Auto;
        if (string.Equals(configured, JiraWebhookOptions.Cloud, StringComparison.OrdinalIgnoreCase))
        {
            return new JiraDeploymentFound(JiraDeployment.Cloud, $"Bridge:Webhooks:{webhook.Name}:Jira:Deployment");
        }

        if (string.Equals(configured, JiraWebhookOptions.DataCenter, StringComparison.OrdinalIgnoreCase))
        {
            return new JiraDeploymentFound(JiraDeployment.DataCenter, $"Bridge:Webhooks:{webhook.Name}:Jira:Deployment");
        }

        if (_found.TryGetValue(webhook.DestinationUrl, out var known))
        {
            return known;
        }

        var request = new TicketRequest(webhook, "GET", $"{webhook.DestinationUrl}/rest/api/2/serverInfo", null, "the question which Jira this is");
        string? reason;
        try
        {
            // Transient failures (no answer, 5xx) propagate: the look-up that needs the answer waits for a later attempt.
            var answer = await client.SendAsync(request, cancellationToken);
            var type = answer.Body.ValueKind == JsonValueKind.Object && answer.Body.TryGetProperty("deploymentType", out var value)
                                                                     && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
            if (string.Equals(type, "Cloud", StringComparison.OrdinalIgnoreCase))
            {
                return _found[webhook.DestinationUrl] = new JiraDeploymentFound(JiraDeployment.Cloud, "serverInfo says Cloud");
            }

            if (string.Equals(type, "Server", StringComparison.OrdinalIgnoreCase) || string.Equals(type, "DataCenter", StringComparison.OrdinalIgnoreCase))
            {
                return _found[webhook.DestinationUrl] = new JiraDeploymentFound(JiraDeployment.DataCenter, $"serverInfo says {type}");
            }

            reason = $"{request.Describe()} answered {answer.StatusCode} without a deploymentType of Cloud, Server or DataCenter";
        }
        catch (TicketSystemException exception) when (!exception.IsTransient)
        {
            reason = exception.Message;
        }

        var host = new Uri(webhook.DestinationUrl).IdnHost;
        var guessed = host.EndsWith(".atlassian.net", StringComparison.OrdinalIgnoreCase) ? JiraDeployment.Cloud : JiraDeployment.DataCenter;
        TicketSystemLog.JiraDeploymentGuessed(logger, webhook.DestinationName, guessed.ToString(), reason, webhook.Name);
        return _found[webhook.DestinationUrl] = new JiraDeploymentFound(guessed, $"guessed from the host name, as serverInfo did not say: {reason}");
    }
}
