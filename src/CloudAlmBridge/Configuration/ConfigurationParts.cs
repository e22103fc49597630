namespace CloudAlmBridge.Configuration;

/// <summary>
/// What the features' rules built from one configuration (compiled mapping files, loaded certificates), keyed by type
/// as ASP.NET Core's feature collections are: the model carries them without knowing the features, and they are put in
/// force and replaced with it, all at once.
/// </summary>
internal sealed class ConfigurationParts(IReadOnlyDictionary<Type, object> parts)
{
    public TPart Get<TPart>()
        where TPart : class =>
        parts.TryGetValue(typeof(TPart), out var part)
            ? (TPart)part
            : throw new InvalidOperationException($"No configuration rule provides {typeof(TPart).Name}: its feature's rule is not registered.");
}
