namespace CloudAlmBridge.Delivery;

internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "{Method} {Url} failed ({Reason}); quick retry {Retry} of {Retries} in {DelayMilliseconds} ms")]
    public static partial void Retrying(ILogger logger, string method, string url, string reason, int retry, int retries, long delayMilliseconds);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Destination {Destination} tested by {User}: {Summary}")]
    public static partial void DestinationTested(ILogger logger, string destination, string user, string summary);
}
