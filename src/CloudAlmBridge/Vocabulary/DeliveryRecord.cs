namespace CloudAlmBridge.Vocabulary;

/// <summary>One accepted change message and its delivery to the ticket system.</summary>
internal sealed record DeliveryRecord
{
    public required long Id { get; init; }

    public required string Subscription { get; init; }

    public required string SituationId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The change message as accepted (JSON), delivered from here after any restart.</summary>
    public required string Message { get; init; }

    public required DeliveryState State { get; init; }

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

    /// <summary>The instance that holds the claim, or made the last attempt (the storage's instance name).</summary>
    public string? Owner { get; init; }

    /// <summary>Set while claimed: the lease every write of the claim is fenced on.</summary>
    public string? LeaseId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the Cloud ALM call that accepted it; its delivery continues that trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// How often it was claimed, this claim included: a claim adds one, and nothing takes it back (not a retry, a release
    /// at shutdown, a takeover after a lost lease, a replay or a settlement). A row stored before claims were counted
    /// reads as claimed once already.
    /// </summary>
    public int Claims { get; init; }

    /// <summary>The maintenance window that held it back (kept, as its history, after the window's end).</summary>
    public string? HeldBy { get; init; }

    /// <summary>Set while it waits for <see cref="HeldBy"/>'s end: the planned end that window's policy is applied at.</summary>
    public DateTimeOffset? HeldUntil { get; init; }

    /// <summary>
    /// This claim is the delivery's first run: claimed once, never attempted, never queued again (a replay or a
    /// settlement sets <see cref="QueuedAt"/> anew). Nothing of it can have reached the ticket system before.
    /// </summary>
    public bool IsFirstClaim => Claims == 1 && Attempts == 0 && QueuedAt == AcceptedAt;

    /// <summary>The claim of a claimed delivery; throws for one that is not claimed.</summary>
    public DeliveryClaim Claim => new(Id, Owner ?? throw new InvalidOperationException($"Delivery {Id} is not claimed."),
        LeaseId ?? throw new InvalidOperationException($"Delivery {Id} is not claimed."));
}

/// <summary>
/// Who holds a delivery, and under which lease. Renewing, completing and releasing succeed only while the row still
/// carries both, so an instance whose lease ran out and was taken over cannot overwrite the new owner's result.
/// </summary>
internal readonly record struct DeliveryClaim(long DeliveryId, string Owner, string LeaseId);
