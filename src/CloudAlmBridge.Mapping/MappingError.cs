namespace CloudAlmBridge.Mapping;

/// <summary>One problem in a mapping document, with the JSON path where it stands and an optional hint.</summary>
/// <param name="Path">Dot path into the document, e.g. <c>structure.request.urgency</c>.</param>
/// <param name="Message">What is wrong, e.g. <c>unknown switch 'sevrity'</c>.</param>
/// <param name="Hint">How to fix it, e.g. <c>did you mean 'severity'?</c>.</param>
public sealed record MappingError(string Path, string Message, string? Hint = null)
{
    public override string ToString() => $"{Message}{(Path.Length == 0 ? string.Empty : $" at {Path}")}{(Hint is null ? string.Empty : $"; {Hint}")}";
}
