namespace CloudAlmBridge.Delivery;

/// <summary>The ticket system refused or could not be reached; the message carries its own error text.</summary>
internal sealed class TicketSystemException : Exception
{
    private readonly bool? _transient;

    public TicketSystemException(string message, int? statusCode, string? targetMessage, Exception? innerException = null,
        TimeSpan? retryAfter = null, bool? transient = null)
        : base(message, innerException)
    {
        _transient = transient;
        StatusCode = statusCode;
        TargetMessage = targetMessage;
        RetryAfter = retryAfter;
    }

    /// <summary>What the ticket system asked for with <c>Retry-After</c> (seconds or an HTTP date), if anything.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Worth another attempt later: no answer (timeout, connection failure), <c>408</c>, <c>429</c> or <c>5xx</c>.
    /// Any other <c>4xx</c> or <c>3xx</c> will not change by waiting, nor will an error in the bridge's own
    /// configuration (a mapping without the operation), so the delivery is dead-lettered at once.
    /// </summary>
    public bool IsTransient => _transient ?? StatusCode is null or 408 or 429 or >= 500;

    /// <summary>The ticket system's HTTP status; null when there was no answer (timeout, connection failure).</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// The bridge's configuration is wrong for this destination (its certificate is not trusted): no retry helps, and the
    /// destination is reported Degraded until a call succeeds.
    /// </summary>
    public bool IsConfigurationProblem { get; init; }

    /// <summary>The ticket system answered, but the answer could not be read (larger than MaxAnswerBytes): for a create, its outcome is unknown.</summary>
    public bool AnswerUnread { get; init; }

    /// <summary>
    /// The request never left the bridge: the host's name did not resolve, the connection or the TLS handshake failed.
    /// For a create, nothing was made.
    /// </summary>
    public bool NeverSent { get; init; }

    /// <summary>
    /// The ticket system may have acted on the request without the bridge learning how: no answer although the request
    /// may have been sent (a timeout, a connection reset), or an answer too large to read. For a create: a ticket may exist.
    /// </summary>
    public bool MayHaveActed => (StatusCode is null && !NeverSent && !IsConfigurationProblem) || AnswerUnread;

    /// <summary>The ticket system's own error message, as it wrote it.</summary>
    public string? TargetMessage { get; }

    /// <summary>The same failure with a sentence that explains it in the ticket system's terms (ServiceNow's data policy).</summary>
    public TicketSystemException Explained(string explanation) =>
        new($"{Message}. {explanation}", StatusCode, TargetMessage, this, RetryAfter, _transient)
        {
            IsConfigurationProblem = IsConfigurationProblem,
            AnswerUnread = AnswerUnread,
            NeverSent = NeverSent,
        };
}
