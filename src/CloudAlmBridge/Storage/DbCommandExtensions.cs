using System.Data;
using System.Data.Common;

namespace CloudAlmBridge.Storage;

/// <summary>Commands with typed parameters, written once for every provider (<c>@name</c> placeholders).</summary>
internal static class DbCommandExtensions
{
    /// <summary>A command for <paramref name="sql"/>: the prepared one when the connection keeps a <see cref="CommandCache"/>.</summary>
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = CommandCache.Find(connection, sql) ?? connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand Text(this DbCommand command, string name, string? value)
    {
        StorageProvider.Add(command, name, value, DbType.String);
        return command;
    }

    public static DbCommand Int64(this DbCommand command, string name, long? value)
    {
        StorageProvider.Add(command, name, value, DbType.Int64);
        return command;
    }

    public static DbCommand Int32(this DbCommand command, string name, int? value)
    {
        StorageProvider.Add(command, name, value, DbType.Int32);
        return command;
    }

    public static DbCommand Bytes(this DbCommand command, string name, byte[] value)
    {
        StorageProvider.Add(command, name, value, DbType.Binary);
        return command;
    }

    public static DbCommand Boolean(this DbCommand command, string name, bool value)
    {
        StorageProvider.Add(command, name, value, DbType.Boolean);
        return command;
    }

    public static DbCommand Time(this DbCommand command, StorageProvider provider, string name, DateTimeOffset? value)
    {
        provider.AddTime(command, name, value);
        return command;
    }

    public static string? GetNullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? GetNullableInt32(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
