using CloudAlmBridge.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CloudAlmBridge.Storage;

/// <summary>Checks <c>Bridge:Storage</c> before any connection is opened, so a mistake is a configuration error with its key.</summary>
internal static class StorageSettings
{
    public static IEnumerable<string> Validate(StorageOptions storage, string root)
    {
        var isSqlite = string.Equals(storage.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase);
        if (!isSqlite && !string.Equals(storage.Provider, StorageOptions.PostgreSql, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{root}:Storage:Provider: '{storage.Provider}' is not a storage provider; use '{StorageOptions.Sqlite}' or '{StorageOptions.PostgreSql}'";
            yield break;
        }

        if (storage.RetentionDays is < 0 or > 36500)
        {
            yield return $"{root}:Storage:RetentionDays: must be between 0 (keep everything) and 36500 (is {storage.RetentionDays})";
        }

        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            yield return $"{root}:Storage:ConnectionString: required";
            yield break;
        }

        // The parsers' messages name the key that is wrong, never the value (which may hold a password).
        string? error = null;
        try
        {
            if (isSqlite)
            {
                _ = new SqliteConnectionStringBuilder(storage.ConnectionString);
            }
            else if (string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(storage.ConnectionString).Host))
            {
                error = "a PostgreSQL connection string needs Host (for example Host=db;Database=bridge;Username=bridge;Password=…)";
            }
        }
        catch (ArgumentException exception)
        {
            error = $"not a {storage.Provider} connection string: {exception.Message}";
        }

        if (error is not null)
        {
            yield return $"{root}:Storage:ConnectionString: {error}";
        }
    }
}
