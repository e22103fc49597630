namespace CloudAlmBridge.Storage;

/// <summary>One accepted change message and its delivery to the ticket system.</summary>
internal sealed record DeliveryRecord
{
    public required long Id { get; init; }

    public required string Subscription { get; init; }

    public required string SituationId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The change message as accepted (JSON), delivered from here after any restart.</summary>
    public required string Message { get; init; }

    public required string State { get; init; }

    public required int Attempts { get; init; }

    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When it was last queued (accepted, or replayed): MaxRetryAge counts from here.</summary>
    public required DateTimeOffset QueuedAt { get; init; }

    public required DateTimeOffset NextAttemptAt { get; init; }

    public string? Action { get; init; }

    public bool TicketCreated { get; init; }

    public int? LastStatus { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
}
