namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>The same bridge and ticket systems as <see cref="ServiceNowBridgeFixture"/>, on a fresh database of a real PostgreSQL server.</summary>
public sealed class PostgreSqlBridgeFixture : ServiceNowBridgeFixture
{
    private string? _connectionString;

    public override string Provider => "PostgreSql";

    public override string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public override async Task InitializeAsync()
    {
        _connectionString = await (await PostgreSqlServer.GetAsync()).CreateDatabaseAsync();
        await base.InitializeAsync();
    }
}
