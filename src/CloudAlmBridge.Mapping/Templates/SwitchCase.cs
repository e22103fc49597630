using System.Text;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>One <c>{"when": ..., "then": ...}</c>; a null <see cref="When"/> is the JSON <c>null</c> case.</summary>
internal sealed record SwitchCase(string? When, TemplateNode Then)
{
    /// <summary><see cref="When"/> as UTF-8, to compare with a number's or boolean's JSON text without a string.</summary>
    public byte[]? WhenUtf8 { get; } = When is null ? null : Encoding.UTF8.GetBytes(When);
}
