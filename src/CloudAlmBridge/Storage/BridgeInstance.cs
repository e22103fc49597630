using System.Security.Cryptography;

namespace CloudAlmBridge.Storage;

/// <summary>
/// This process among the instances sharing a database: the owner written on every claim. New at every start (a
/// restarted instance does not own its predecessor's claims: they expire and are taken over like any dead owner's).
/// </summary>
internal sealed class BridgeInstance
{
    public BridgeInstance(string? configuredName)
    {
        var name = string.IsNullOrWhiteSpace(configuredName) ? Environment.MachineName : configuredName.Trim();
        Id = $"{name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }

    /// <summary><c>Bridge:Storage:InstanceName</c> (default: the host name) and a random suffix, e.g. <c>bridge-a-3f9c01d2</c>.</summary>
    public string Id { get; }
}
