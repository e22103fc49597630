using System.Globalization;
using System.Text.Json;

namespace CloudAlmBridge.Mapping;

/// <summary>RFC 6901 JSON pointers (<c>/result/sys_id</c>), as used by <c>externalIdProperty</c>.</summary>
public static class JsonPointer
{
    public static bool IsValid(string pointer) => pointer.Length == 0 || pointer[0] == '/';

    /// <summary>The pointer's reference tokens, unescaped (<c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>): parse once, resolve often.</summary>
    public static string[] Parse(string pointer) => pointer.Length == 0
        ? []
        : pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    public static bool TryResolve(JsonElement root, string pointer, out JsonElement value) => TryResolve(root, Parse(pointer), out value);

    public static bool TryResolve(JsonElement root, string[] tokens, out JsonElement value)
    {
        value = root;
        if (root.ValueKind == JsonValueKind.Undefined)
        {
            return false;
        }

        foreach (var token in tokens)
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(token, out var child))
            {
                value = child;
            }
            else if (value.ValueKind == JsonValueKind.Array
                     && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                     && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                value = default;
                return false;
            }
        }

        return true;
    }
}
