namespace CloudAlmBridge.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Authentication failed for client {ClientName} on {Path}")]
    public static partial void AuthenticationFailed(ILogger logger, string clientName, PathString path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Malformed Basic credentials on {Path}")]
    public static partial void MalformedCredentials(ILogger logger, PathString path);
}
