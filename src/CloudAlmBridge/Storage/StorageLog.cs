namespace CloudAlmBridge.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Retention removed {Count} delivered or skipped deliveries finished more than {Days} days ago")]
    public static partial void RetentionRemoved(ILogger logger, int count, int days);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Retention could not remove old deliveries this time ({Reason}); the next sweep tries again")]
    public static partial void RetentionFailed(ILogger logger, string reason);
}
