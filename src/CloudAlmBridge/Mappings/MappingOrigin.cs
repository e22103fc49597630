namespace CloudAlmBridge.Mappings;

/// <summary>Where a mapping comes from; only <see cref="Api"/> mappings can be changed over REST.</summary>
public enum MappingOrigin
{
    BuiltIn,
    Configuration,
    Api,
}
