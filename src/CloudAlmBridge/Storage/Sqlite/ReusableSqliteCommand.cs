using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Storage.Sqlite;

/// <summary>
/// A command of the writer's connection that stays prepared: disposing it (as every store does with
/// <c>await using</c>) hands it back with its parameters cleared instead of finalizing its SQLite statement, so the
/// next write with the same SQL skips SQLite's prepare. Retired with the connection.
/// </summary>
internal sealed class ReusableSqliteCommand(string sql, SqliteConnection connection) : SqliteCommand(sql, connection)
{
    private bool _retired;

    public void Retire()
    {
        _retired = true;
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (_retired || !disposing)
        {
            base.Dispose(disposing);
            return;
        }

        Parameters.Clear();
        Transaction = null;
    }
}
