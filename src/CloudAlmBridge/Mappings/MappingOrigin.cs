namespace CloudAlmBridge.Mappings;

/// <summary>Where a mapping comes from; only <see cref="Api"/> mappings can be changed over REST.</summary>
public enum MappingOrigin
{
    BuiltIn,
    Configuration,
    Api,
}

internal static class MappingOriginExtensions
{
    /// <summary>
    /// The origin's one spelling: the <c>origin</c> of <c>GET /api/v1/mappings</c> (docs/api.md §4, public, so it
    /// never changes), the prefix of a built-in or configuration mapping's ETag, and what the console shows.
    /// </summary>
    public static string WireName(this MappingOrigin origin) => origin switch
    {
        MappingOrigin.BuiltIn => "builtin",
        MappingOrigin.Configuration => "configuration",
        _ => "api",
    };
}
