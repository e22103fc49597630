namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A compiled entry of the document's <c>switches</c>.</summary>
internal sealed class SwitchDefinition(string name, IReadOnlyList<SwitchCase> cases, TemplateNode fallback)
{
    public string Name => name;

    /// <summary>
    /// Cases are compared in order and case-sensitively. A missing or null attribute matches a <c>null</c> case first,
    /// else a <c>""</c> case (contract §6).
    /// </summary>
    public TemplateNode Select(string? attributeText)
    {
        if (attributeText is null)
        {
            foreach (var @case in cases)
            {
                if (@case.When is null)
                {
                    return @case.Then;
                }
            }

            attributeText = string.Empty;
        }

        foreach (var @case in cases)
        {
            if (@case.When is not null && string.Equals(@case.When, attributeText, StringComparison.Ordinal))
            {
                return @case.Then;
            }
        }

        return fallback;
    }
}
