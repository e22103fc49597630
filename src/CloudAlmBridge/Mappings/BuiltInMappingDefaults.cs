using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Mappings;

/// <summary>The built-in mapping a subscription without <c>Mapping</c> uses (docs/api.md §5).</summary>
internal sealed class BuiltInMappingDefaults : IMappingDefaults
{
    public string? For(WebhookOptions webhook) => BuiltInMappings.DefaultFor(webhook);
}
