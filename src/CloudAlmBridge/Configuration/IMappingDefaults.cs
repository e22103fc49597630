namespace CloudAlmBridge.Configuration;

/// <summary>
/// Which mapping a subscription uses when it names none: the mappings feature knows which of its built-in mappings
/// writes a webhook's records; the configuration only resolves the reference.
/// </summary>
internal interface IMappingDefaults
{
    /// <summary>The built-in mapping's name; null when none writes this webhook's records.</summary>
    string? For(WebhookOptions webhook);
}
