using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;

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
        var result = (outcome.Outcome, outcome.Action) switch
        {
            (AttemptOutcome.Failed, LifecycleAction.Hold) => "held: nothing can settle whether its create made a ticket",
            (AttemptOutcome.Failed, _) => $"the {outcome.Action.ToString().ToLowerInvariant()} failed",
            (AttemptOutcome.Skipped, _) => outcome.Note is null ? "nothing to send" : $"nothing to send: {outcome.Note}",
            (_, LifecycleAction.Create) => ticket is null ? "ticket created, without a ticket id" : $"{named} created",
            (_, LifecycleAction.Link) => $"{named} already existed in the ticket system and is linked",
            (_, LifecycleAction.Reopen) => $"{named} of situation {outcome.Link?.ReopenedFrom} reopened (a flap within Reopen:Window), no new ticket",
            (_, LifecycleAction.Update) => $"{named} updated",
            (_, LifecycleAction.Close) => $"{named} closed",
            (_, LifecycleAction.Delete) => $"{named} deleted",
            (_, LifecycleAction.Note) => outcome.Link?.IsGroupMember == true ? $"{named} noted: the group member's rating rose" : $"{named} noted as deleted",
            (_, LifecycleAction.Group) => $"joined the group of situation {outcome.Link?.GroupedWith}: a note on its {named}, no new ticket",
            (_, LifecycleAction.Ping) => $"{named} read: status {outcome.Link?.TicketStatus ?? "unknown"}",
            _ => $"{named}: {outcome.Action}",
        };
        var delivery = deliveryId > 0 ? $" (delivery {deliveryId})" : string.Empty;
        EventHandledCore(logger, EventTypes.ShortName(eventType), situationId, subscription, result, delivery, outcome.Outcome.ToString(),
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

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error,
        Message = "Subscription {Subscription}, situation {SituationId}: the ticket system refused {Purpose}, a configuration problem of destination {Destination}: {Reason}. Until it is fixed, a situation whose create it guards is held (UnknownOutcome Hold) or created without it (CreateAgain)")]
    public static partial void LookupRefused(ILogger logger, string subscription, string situationId, string purpose, string destination, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error,
        Message = "Situation {SituationId} on {Subscription} is held: {Reason}. Its events wait, in order, unsent. Check the ticket system for the situation's ticket, then settle it in the console (Held situations) or with POST /api/v1/held-situations/<subscription>/<situation>/settle: the ticket it has, no ticket was made, or discard")]
    public static partial void SituationHeld(ILogger logger, string subscription, string situationId, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "Situation {SituationId} on {Subscription}: a create's outcome is unknown ({Reason}): {Next}; nothing else of the situation is sent before")]
    public static partial void CreateInDoubt(ILogger logger, string subscription, string situationId, string reason, string next);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "Situation {SituationId} on {Subscription} was settled by {User}: {Settlement}")]
    public static partial void SituationSettled(ILogger logger, string subscription, string situationId, string user, string settlement);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Debug,
        Message = "Situation {SituationId} on {Subscription}: the look-up before its create is skipped (LookupBeforeCreate Auto): delivery {DeliveryId} runs its first claim, no other delivery of the situation was ever claimed, the bridge has no record of it, and it started within {Window} of now")]
    public static partial void LookupSkipped(ILogger logger, string subscription, string situationId, long deliveryId, TimeSpan window);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning,
        Message = "Situation {SituationId} on {Subscription}: the ticket link this attempt made could not be saved ({Reason}); the next attempt asks the ticket system's look-up before anything else")]
    public static partial void LinkNotSaved(ILogger logger, string subscription, string situationId, string reason);
}
