namespace CloudAlmBridge.Mapping.Templates;

/// <summary>Either literal text or a placeholder; exactly one of the two is set.</summary>
internal readonly record struct TextSegment(string? Literal, Expression? Expression);
