namespace CloudAlmBridge.Mapping.Templates;

/// <summary>One <c>{"when": ..., "then": ...}</c>; a null <see cref="When"/> is the JSON <c>null</c> case.</summary>
internal sealed record SwitchCase(string? When, TemplateNode Then);
