using System.Xml.Linq;
using CloudAlmBridge.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CloudAlmBridge.KeyRing;

/// <summary>
/// The key ring as Data Protection sees it: the keys stored in the database (<see cref="DataProtectionKeyStore"/>) that
/// the configured key can open. A key stored in clear (by a bridge before version 12 of the schema) or under another
/// key ring key is left out, so Data Protection makes a new one instead of trusting a key that a copy of the database
/// also holds: the sessions and forms it protected end once, which is said once in the log.
/// </summary>
internal sealed partial class KeyRingRepository(DataProtectionKeyStore store, KeyRingKey key, ILogger<KeyRingRepository> logger) : IXmlRepository
{
    // Without a configured key outside Development (no one can sign in to the console): this process's keys only.
    private readonly List<XElement> _inMemory = [];
    private int _reported;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!key.Persisted)
        {
            lock (_inMemory)
            {
                return [.. _inMemory.Select(e => new XElement(e))];
            }
        }

        var usable = new List<XElement>();
        var (clear, other) = (0, 0);
        foreach (var element in store.GetAllElements())
        {
            if (element.Name.LocalName != "key")
            {
                // Revocations and anything else Data Protection writes besides keys carry no secret.
                usable.Add(element);
                continue;
            }

            // Only a key whose secret is in one element that this bridge's decryptor opens, under this key ring key, and
            // no master key in clear anywhere beside it (a row written into the database by hand is not trusted).
            var secrets = element.Descendants().Where(e => e.Name.LocalName == "encryptedSecret").ToList();
            var encrypted = secrets.Count == 1
                && ((string?)secrets[0].Attribute("decryptorType"))?.StartsWith(typeof(KeyRingDecryptor).FullName + ",", StringComparison.Ordinal) == true
                    ? secrets[0].Elements(KeyRingEncryptor.Element).SingleOrDefault()
                    : null;
            if (encrypted is null || element.Descendants().Any(e => e.Name.LocalName == "masterKey"))
            {
                clear++;
            }
            else if ((string?)encrypted.Attribute("keyId") != key.Id)
            {
                other++;
            }
            else
            {
                usable.Add(element);
            }
        }

        if ((clear > 0 || other > 0) && Interlocked.Exchange(ref _reported, 1) == 0)
        {
            KeysLeftOut(logger, clear, other);
        }

        return usable;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        if (key.Persisted)
        {
            store.StoreElement(element, friendlyName);
            return;
        }

        lock (_inMemory)
        {
            _inMemory.Add(new XElement(element));
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning,
        Message = "Key ring: {Clear} key(s) stored unencrypted (by an earlier version, or not by the bridge) and {Other} encrypted with another Bridge:Security:KeyRing:Key are not used; console sessions they protected have ended (sign in again)")]
    private static partial void KeysLeftOut(ILogger logger, int clear, int other);
}
