using System.Security.Cryptography;
using System.Text;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The console's sessions, recorded in the database every instance shares: a session is valid only while its row is
/// here, so signing out (which removes it) ends it on every instance, also for a copy of the cookie taken before. The
/// row holds the SHA-256 hash of the session's token, never the token: a copy of the database cannot make a session.
/// </summary>
internal sealed class ConsoleSessionStore(BridgeDatabase database)
{
    private StorageProvider Provider => database.Provider;

    /// <summary>A new random token (for the cookie) whose hash is recorded for <paramref name="client"/>.</summary>
    public async Task<string> StartAsync(string client, DateTimeOffset now, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(
                    "INSERT INTO console_sessions (token_hash, client, signed_in_at, expires_at) VALUES (@hash, @client, @now, @expires);", transaction)
                .Text("@hash", Hash(token)).Text("@client", client).Time(Provider, "@now", now).Time(Provider, "@expires", expires);
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);
        return token;
    }

    /// <summary>Whether the session of <paramref name="token"/> is recorded for <paramref name="client"/> and not expired.</summary>
    public async Task<bool> IsActiveAsync(string token, string client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                "SELECT COUNT(*) FROM console_sessions WHERE token_hash = @hash AND client = @client AND expires_at > @now;")
            .Text("@hash", Hash(token)).Text("@client", client).Time(Provider, "@now", now);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Ends the session of <paramref name="token"/> on every instance.</summary>
    public Task<int> EndAsync(string token, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand("DELETE FROM console_sessions WHERE token_hash = @hash;", transaction)
                .Text("@hash", Hash(token));
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    /// <summary>Removes the sessions that expired before <paramref name="now"/>: they can no longer be used anyway.</summary>
    public Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand("DELETE FROM console_sessions WHERE expires_at <= @now;", transaction)
                .Time(Provider, "@now", now);
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
