using System.Text.RegularExpressions;

namespace CloudAlmBridge.Mappings;

/// <summary>The one rule for the name of a mapping saved over the REST API or from the console's playground.</summary>
internal static partial class MappingNames
{
    public static bool IsValid(string name) => Rule().IsMatch(name);

    /// <summary>Why <paramref name="name"/> is refused, in the words both the API and the console use.</summary>
    public static string Refusal(string name) =>
        $"'{name}' is not a valid mapping name: use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit.";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex Rule();
}
