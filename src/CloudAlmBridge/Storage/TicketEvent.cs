namespace CloudAlmBridge.Storage;

/// <summary>One change message as handled: the event history of a ticket link.</summary>
internal sealed record TicketEvent
{
    public long Id { get; init; }

    public required string Subscription { get; init; }

    public required string SituationId { get; init; }

    public required string EventType { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>What happened: <c>Delivered</c>, <c>Skipped</c>, <c>Failed</c>.</summary>
    public required string DeliveryState { get; init; }

    /// <summary>What was done: <c>Create</c>, <c>Update</c>, <c>Close</c>, ...</summary>
    public string? Action { get; init; }

    public int? StatusCode { get; init; }

    public string? Error { get; init; }

    public string? TicketId { get; init; }
}
