using System.Data.Common;
using System.Runtime.CompilerServices;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Prepared commands kept per long-lived connection (the SQLite writer's): the stores write their SQL as before,
/// <see cref="DbCommandExtensions.CreateCommand"/> finds the prepared command here when its connection has a cache.
/// Preparing every statement again was most of the single writer's time.
/// </summary>
internal sealed class CommandCache : IDisposable
{
    /// <summary>Bounds the cache: SQL built per call (it is not, today) would otherwise grow it without end.</summary>
    private const int MaxCommands = 64;

    private static readonly ConditionalWeakTable<DbConnection, CommandCache> Caches = [];

    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly Func<string, DbCommand> _create;
    private readonly Action<DbCommand> _retire;

    private CommandCache(Func<string, DbCommand> create, Action<DbCommand> retire) => (_create, _retire) = (create, retire);

    public static CommandCache Attach(DbConnection connection, Func<string, DbCommand> create, Action<DbCommand> retire)
    {
        var cache = new CommandCache(create, retire);
        Caches.AddOrUpdate(connection, cache);
        return cache;
    }

    public static DbCommand? Find(DbConnection connection, string sql) =>
        Caches.TryGetValue(connection, out var cache) ? cache.Get(sql) : null;

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            _retire(command);
        }

        _commands.Clear();
    }

    private DbCommand? Get(string sql)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            return command;
        }

        if (_commands.Count >= MaxCommands)
        {
            return null;
        }

        command = _create(sql);
        _commands[sql] = command;
        return command;
    }
}
