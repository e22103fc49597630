namespace CloudAlmBridge.Tickets;

internal static partial class TicketLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "{EventType} for situation {SituationId} on {Subscription}: delivery {DeliveryId} {Action} {DeliveryState}, ticket {TicketNumber}")]
    public static partial void EventHandled(ILogger logger, string subscription, string situationId, string eventType, long deliveryId,
        string action, string deliveryState, string? ticketNumber);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Delivery {DeliveryId} for situation {SituationId} on {Subscription} failed: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string subscription, string situationId, long deliveryId, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "The create answer for situation {SituationId} on {Subscription} had no ticket id (externalIdProperty {ExternalIdProperty}, status {StatusCode}): later events cannot address the ticket")]
    public static partial void NoTicketId(ILogger logger, string subscription, string situationId, string externalIdProperty, int statusCode);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information,
        Message = "Situation {SituationId} on {Subscription} already has ticket {TicketId} in the ticket system: linked, not created again")]
    public static partial void LinkedExisting(ILogger logger, string subscription, string situationId, string ticketId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Jira issue {IssueId} on {Subscription} closes through transition {TransitionId} '{TransitionName}' to status {Status}")]
    public static partial void JiraTransitionFound(ILogger logger, string subscription, string issueId, string transitionId,
        string transitionName, string status);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning,
        Message = "Subscription {Subscription}, situation {SituationId}: the ticket system refused the look-up before the create ({Reason}); the issue is created without it, so a create whose answer is lost could open a second one")]
    public static partial void LookupUnavailable(ILogger logger, string subscription, string situationId, string reason);
}
