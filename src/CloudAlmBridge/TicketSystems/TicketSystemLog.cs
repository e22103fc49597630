namespace CloudAlmBridge.TicketSystems;

internal static partial class TicketSystemLog
{
    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Jira issue {IssueId} on {Subscription} {Purpose} through transition {TransitionId} '{TransitionName}' to status {Status}")]
    public static partial void JiraTransitionFound(ILogger logger, string subscription, string issueId, string purpose, string transitionId,
        string transitionName, string status);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning,
        Message = "Destination {Destination} did not say which Jira it is ({Reason}); the bridge takes it for {Deployment} by its host name. Set Bridge:Webhooks:{Webhook}:Jira:Deployment to Cloud or DataCenter to say it")]
    public static partial void JiraDeploymentGuessed(ILogger logger, string destination, string deployment, string reason, string webhook);
}
