namespace CloudAlmBridge.Delivery;

/// <summary>The ticket system refused or could not be reached; the message carries its own error text.</summary>
internal sealed class TicketSystemException : Exception
{
    public TicketSystemException(string message, int? statusCode, string? targetMessage, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        TargetMessage = targetMessage;
    }

    /// <summary>The ticket system's HTTP status; null when there was no answer (timeout, connection failure).</summary>
    public int? StatusCode { get; }

    /// <summary>The ticket system's own error message, as it wrote it.</summary>
    public string? TargetMessage { get; }
}
