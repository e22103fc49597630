namespace CloudAlmBridge.Vocabulary;

/// <summary>One try of a delivery: when, what the ticket system answered, and when the next try is due.</summary>
internal sealed record DeliveryAttempt(DateTimeOffset AttemptedAt, AttemptOutcome Outcome, int? StatusCode, string? Error, DateTimeOffset? NextAttemptAt);
