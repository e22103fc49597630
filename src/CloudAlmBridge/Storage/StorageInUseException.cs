namespace CloudAlmBridge.Storage;

/// <summary>Another process holds the storage that takes one process only (an SQLite file): this one does not start.</summary>
internal sealed class StorageInUseException(string message, Exception innerException) : InvalidOperationException(message, innerException);
