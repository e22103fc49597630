namespace CloudAlmBridge.Delivery;

/// <summary>
/// A call to a ticket system did not succeed: it refused or could not be reached (the message carries its own error
/// text). Built only by the named factories below. What the bridge itself will not send is a
/// <see cref="DeliveryRefusedException"/>, not this.
/// </summary>
internal sealed class TicketSystemException : Exception
{
    private readonly bool? _transient;

    // Built by the named factories below, which say what happened; the flags follow from that.
    private TicketSystemException(string message, int? statusCode, string? targetMessage, Exception? innerException = null,
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
    /// Any other <c>4xx</c> or <c>3xx</c> will not change by waiting, so the delivery is dead-lettered at once.
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

    /// <summary>The ticket system answered with an error status (transient for 408, 429, 5xx; otherwise not).</summary>
    public static TicketSystemException Answered(string message, int status, string? targetMessage, TimeSpan? retryAfter = null) =>
        new(message, status, targetMessage, retryAfter: retryAfter);

    /// <summary>No answer: the connection failed or was lost (<paramref name="neverSent"/>: before the request was written).</summary>
    public static TicketSystemException NotReached(string message, string? targetMessage, Exception innerException, bool neverSent = false) =>
        new(message, null, targetMessage, innerException) { NeverSent = neverSent };

    /// <summary>No answer in time: the ticket system may have acted.</summary>
    public static TicketSystemException TimedOut(string message, string? targetMessage, Exception innerException) =>
        new(message, null, targetMessage, innerException);

    /// <summary>An answer the bridge did not read (over MaxAnswerBytes): a create's outcome is unknown, so it is tried again.</summary>
    public static TicketSystemException AnswerTooLarge(string message, int? status, Exception innerException) =>
        new(message, status, null, innerException, transient: true) { AnswerUnread = true };

    /// <summary>An answer that is no answer (a page instead of a token: a hibernating instance, a proxy's login page): like none, worth another attempt.</summary>
    public static TicketSystemException UnusableAnswer(string message, string? targetMessage) =>
        new(message, null, targetMessage);

    /// <summary>The destination's certificate is not trusted: a configuration problem, nothing was sent, no retry helps.</summary>
    public static TicketSystemException NotTrusted(string message, string reason, Exception innerException) =>
        new(message, null, reason, innerException, transient: false) { IsConfigurationProblem = true, NeverSent = true };

    /// <summary>A create whose outcome is unknown, to be settled by the next attempt: transient, with the cause kept.</summary>
    public static TicketSystemException InDoubt(string message, TicketSystemException cause) =>
        new(message, cause.StatusCode, cause.TargetMessage, cause, cause.RetryAfter, transient: true);
}
