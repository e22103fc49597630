using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CloudAlmBridge.Storage;

/// <summary>
/// ASP.NET Core Data Protection's key ring in the bridge's database: the console's session cookie and antiforgery
/// tokens are protected with keys every instance shares and a restart keeps, so a session opened on one instance is
/// valid on the others and survives a restart.
/// </summary>
/// <remarks>
/// Data Protection asks synchronously, rarely (at start, and when a key is created or about to expire), never on the
/// path of an event. The keys arrive here encrypted (KeyRing/KeyRingRepository, which also decides which stored keys
/// are used): a copy of the database alone opens no console session (docs/security.md).
/// </remarks>
internal sealed class DataProtectionKeyStore(BridgeDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => ReadAllAsync().GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(
                    "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING;", transaction)
                .Text("@name", friendlyName).Text("@xml", element.ToString(SaveOptions.DisableFormatting));
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> ReadAllAsync()
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY name;");
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        var elements = new List<XElement>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }
}
