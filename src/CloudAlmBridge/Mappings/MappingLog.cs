namespace CloudAlmBridge.Mappings;

internal static partial class MappingLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Stored mapping {Name} no longer compiles and is out of service: {Errors}")]
    public static partial void StoredMappingInvalid(ILogger logger, string name, string errors);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Mapping {Name} stored as version {Version}")]
    public static partial void MappingStored(ILogger logger, string name, long version);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Mapping {Name} deleted")]
    public static partial void MappingDeleted(ILogger logger, string name);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Stored mappings reloaded: {Count} at revision {Revision} (a change on this or another instance)")]
    public static partial void StoredMappingsReloaded(ILogger logger, int count, long revision);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Stored mappings could not be checked for changes; the ones in force stay: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string reason);
}
