using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Mappings;

/// <summary>A mapping by name: the document as given (unchanged), its compiled plan, and its version.</summary>
internal sealed record MappingEntry(string Name, MappingOrigin Origin, string Json, MappingDocument Document, long Version = 1,
    DateTimeOffset? UpdatedAt = null, long Revision = 0)
{
    /// <summary>
    /// Strong entity tag: the store's revision for mappings put over REST (what <c>If-Match</c> compares; it never
    /// repeats, not even after a delete and a new create), a hash of the document for built-in and configuration
    /// mappings (they change only with the bridge or its configuration).
    /// </summary>
    public string ETag { get; } = Origin == MappingOrigin.Api
        ? $"\"api-{Revision}\""
        : $"\"{Origin.WireName()}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json)).AsSpan(0, 8))}\"";
}
