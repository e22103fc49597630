namespace CloudAlmBridge.Storage;

/// <summary>
/// The database's schema is not one this bridge may use now: said in one line at start and by <c>--check</c>, and the
/// process ends with exit code 1 (<see cref="StorageStart"/>).
/// </summary>
internal abstract class SchemaVersionException(string message) : InvalidOperationException(message);

/// <summary>
/// The database was migrated by a newer bridge: this one cannot know what its tables mean now, so it must not start
/// (a rollback after an upgrade: the newer version is the one to run).
/// </summary>
internal sealed class SchemaTooNewException(string location, int stored, int known)
    : SchemaVersionException($"The database {location} has schema version {stored}, newer than this bridge's {known}: upgrade the bridge.");

/// <summary><c>--check</c> met a schema the start would migrate, where it needed to read the database (stored mappings).</summary>
internal sealed class SchemaNotMigratedException(string location, int stored, int known)
    : SchemaVersionException($"The database {location} has schema version {stored}; this bridge's is {known}. --check changes nothing, so it cannot read "
        + "the mappings stored there before the start has migrated it: start the bridge once (it migrates), then check again.");
