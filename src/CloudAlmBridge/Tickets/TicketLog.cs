using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Tickets;

internal static partial class TicketLog
{
    /// <summary>One sentence per handled event: <c>UPDATED of situation … on calm-to-snow: ticket INC0010002 updated (delivery 12)</c>.</summary>
    public static void EventHandled(ILogger logger, string subscription, string situationId, string eventType, long deliveryId,
        LifecycleOutcome outcome)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var ticket = outcome.Link?.TicketNumber ?? outcome.Link?.TicketId;
        var named = ticket is null ? "the ticket" : $"ticket {ticket}";
        var result = (outcome.DeliveryState, outcome.Action) switch
        {
            (DeliveryState.Failed, _) => $"the {outcome.Action.ToLowerInvariant()} failed",
            (DeliveryState.Skipped, _) => outcome.Note is null ? "nothing to send" : $"nothing to send: {outcome.Note}",
            (_, "Create") => ticket is null ? "ticket created, without a ticket id" : $"{named} created",
            (_, "Link") => $"{named} already existed in the ticket system and is linked",
            (_, "Update") => $"{named} updated",
            (_, "Close") => $"{named} closed",
            (_, "Delete") => $"{named} deleted",
            (_, "Note") => $"{named} noted as deleted",
            (_, "Ping") => $"{named} read: status {outcome.Link?.TicketStatus ?? "unknown"}",
            _ => $"{named}: {outcome.Action}",
        };
        var delivery = deliveryId > 0 ? $" (delivery {deliveryId})" : string.Empty;
        EventHandledCore(logger, EventTypes.ShortName(eventType), situationId, subscription, result, delivery, outcome.DeliveryState.ToString(),
            outcome.Link?.TicketNumber);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{EventType} of situation {SituationId} on {Subscription}: {Result}{Delivery}")]
    private static partial void EventHandledCore(ILogger logger, string eventType, string situationId, string subscription, string result,
        string delivery, string deliveryState, string? ticketNumber);

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
