using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.KeyRing;

/// <summary>
/// The AES-256 key that encrypts the key ring at rest, derived from <c>Bridge:Security:KeyRing:Key</c> (read at start),
/// and a short id of it that the encrypted keys carry, so a key ring written under another key is recognised.
/// In Development without that setting, a random key in a file beside the SQLite database (or under the content
/// root's <c>data</c> folder), made on the first start: the demo needs no setting and is never in clear either.
/// Elsewhere without it (allowed only while no client can sign in to the console: no admin has a secret), a random
/// key of this process, and the key ring is kept in memory only, never in the database.
/// </summary>
internal sealed class KeyRingKey
{
    public const string DevelopmentFileName = "key-ring.key";

    private KeyRingKey(string secret, string source, bool persisted = true)
    {
        Persisted = persisted;
        Bytes = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "CloudAlmBridge key ring v1"u8.ToArray());
        Id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, Bytes, 8, info: "CloudAlmBridge key ring id"u8.ToArray()));
        Source = source;
    }

    /// <summary>The AES-256-GCM key.</summary>
    public byte[] Bytes { get; }

    /// <summary>16 hex digits that name the key without revealing it (shown at start, written beside each encrypted key).</summary>
    public string Id { get; }

    /// <summary>Where the key came from, in the bridge's own words.</summary>
    public string Source { get; }

    /// <summary>Whether the key ring is kept in the database (false: in this process's memory only).</summary>
    public bool Persisted { get; }

    public static KeyRingKey Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<BridgeOptions>>().Value.Security.KeyRing;
        if (options.Key is { Length: > 0 } configured)
        {
            return new KeyRingKey(configured, "Bridge:Security:KeyRing:Key");
        }

        // Outside Development the start stops on the missing key when the console can be signed into; otherwise the
        // console's key ring protects no session, and lives and dies with this process.
        var environment = services.GetRequiredService<IHostEnvironment>();
        if (!environment.IsDevelopment())
        {
            return new KeyRingKey(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
                "a random key of this process (no client can sign in to the console; set Bridge:Security:KeyRing:Key before giving an admin a secret)", persisted: false);
        }

        var folder = services.GetRequiredService<StorageProvider>() is SqliteProvider { FilePath: { } database } && database != ":memory:"
            ? Path.GetDirectoryName(Path.GetFullPath(database))!
            : Path.Combine(environment.ContentRootPath, "data");
        var file = Path.Combine(folder, DevelopmentFileName);
        return new KeyRingKey(ReadOrCreate(file), $"the development key in {file} (outside Development set Bridge:Security:KeyRing:Key)");
    }

    private static string ReadOrCreate(string file)
    {
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);

            // Written whole under another name, then moved into place: a second process starting at once reads the
            // complete key or makes its own and loses the move, never an empty file.
            var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Readable by the bridge's user only.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48))));
            }

            try
            {
                File.Move(temporary, file, overwrite: false);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary);
            }
        }

        var key = File.ReadAllText(file).Trim();
        return key.Length >= KeyRingOptions.MinimumKeyLength
            ? key
            : throw new InvalidOperationException($"{file} holds no key of {KeyRingOptions.MinimumKeyLength} characters or more: delete it, and the bridge makes a new one (the console's sessions end).");
    }
}
