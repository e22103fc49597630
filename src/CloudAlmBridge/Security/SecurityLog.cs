namespace CloudAlmBridge.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Authentication failed for client {ClientName} on {Path} from {RemoteAddress}")]
    public static partial void AuthenticationFailed(ILogger logger, string clientName, PathString path, string? remoteAddress);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Malformed Basic credentials on {Path}")]
    public static partial void MalformedCredentials(ILogger logger, PathString path);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Token issued to client {ClientName}, valid for {Lifetime}")]
    public static partial void TokenIssued(ILogger logger, string clientName, TimeSpan lifetime);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Bearer token refused on {Path}: {Reason}")]
    public static partial void TokenRefused(ILogger logger, PathString path, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Client certificate {Thumbprint} refused on {Path}: {Reason}")]
    public static partial void CertificateRefused(ILogger logger, string thumbprint, PathString path, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Token requests for client {ClientName} over the limit; the last from {RemoteAddress}")]
    public static partial void TokenAttemptsExceeded(ILogger logger, string clientName, string? remoteAddress);
}
