using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CloudAlmBridge.KeyRing;

/// <summary>
/// Encrypts each Data Protection key with AES-256-GCM under <see cref="KeyRingKey"/> before it is stored: the element
/// written holds the key's id, a random nonce, the tag and the ciphertext.
/// </summary>
internal sealed class KeyRingEncryptor(KeyRingKey key) : IXmlEncryptor
{
    public static readonly XNamespace Namespace = "urn:cloudalmbridge:key-ring:v1";
    public static readonly XName Element = Namespace + "encryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key.Bytes, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        var element = new XElement(Element,
            new XAttribute("keyId", key.Id),
            new XElement(Namespace + "value", Convert.ToBase64String([.. nonce, .. tag, .. ciphertext])));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }
}

/// <summary>
/// Decrypts what <see cref="KeyRingEncryptor"/> wrote. Public, with a constructor taking the service provider, because
/// Data Protection creates it by the type name stored with each key.
/// </summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var key = services.GetRequiredService<KeyRingKey>();
        if ((string?)encryptedElement.Attribute("keyId") != key.Id)
        {
            throw new CryptographicException("This key of the key ring was encrypted with another Bridge:Security:KeyRing:Key.");
        }

        var data = Convert.FromBase64String((string?)encryptedElement.Element(KeyRingEncryptor.Namespace + "value") ?? string.Empty);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plaintext = new byte[data.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(key.Bytes, tagSize))
        {
            aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize + tagSize), data.AsSpan(nonceSize, tagSize), plaintext);
        }

        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}
