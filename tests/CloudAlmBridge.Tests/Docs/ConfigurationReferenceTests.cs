using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Docs;

/// <summary>
/// Issue 26, "keep it true": docs/configuration.md's tables of keys against the option classes themselves. Every key the
/// bridge reads is documented, every documented key exists, each default is the coded one, and the keys marked "read
/// at start" are exactly those <see cref="StartOnlySettings"/> lists (whose changes are warned about on reload).
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md"));

    [Fact]
    public void EveryKeyTheBridgeReads_IsDocumented_AndEveryDocumentedKeyExists()
    {
        var coded = CodedKeys().Keys.ToHashSet(StringComparer.Ordinal);
        var documented = DocumentedKeys().Select(k => k.Key).ToHashSet(StringComparer.Ordinal);

        Assert.True(coded.Count > 60, $"the walk found only {coded.Count} keys");
        Assert.Empty(coded.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(coded).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EachDocumentedDefault_IsTheCodedDefault()
    {
        var coded = CodedKeys();
        var wrong = new List<string>();
        foreach (var row in DocumentedKeys().Where(r => coded.ContainsKey(r.Key)))
        {
            var actual = coded[row.Key];
            if (row.Default is { } literal ? literal != actual : actual.Length != 0)
            {
                wrong.Add($"{row.Key}: documented {(row.Default is null ? "without a literal default" : $"`{row.Default}`")}, coded '{actual}'");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void TheKeysMarkedReadAtStart_AreTheBridgesStartOnlyList_AndSoIsThePagesList()
    {
        var startOnly = StartOnlySettings.Keys.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var marked = DocumentedKeys().Where(r => r.ReadAtStart).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var section = Page[Page.IndexOf("### Read at start", StringComparison.Ordinal)..Page.IndexOf("## A complete example", StringComparison.Ordinal)];
        var listed = ListItem().Matches(section).Select(m => Normalize(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(startOnly.Except(marked).Order(StringComparer.Ordinal));
        Assert.Empty(marked.Except(startOnly).Order(StringComparer.Ordinal));
        Assert.Equal(startOnly.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        // Each listed key is a key the bridge reads.
        Assert.Empty(startOnly.Except(CodedKeys().Keys));
    }

    /// <summary>One row of a key table: the key (names as <c>{}</c>), the default's literal if it has one, its "read at start" mark.</summary>
    private sealed record Row(string Key, string? Default, bool ReadAtStart);

    private static List<Row> DocumentedKeys()
    {
        var keys = Page[Page.IndexOf("## Keys", StringComparison.Ordinal)..Page.IndexOf("### Read at start", StringComparison.Ordinal)];
        var rows = new List<Row>();
        var prefix = string.Empty;
        foreach (var line in keys.Split('\n'))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                // "### Destinations: `Bridge:Destinations:{name}`": the rows below name keys relative to it.
                var heading = Code().Matches(line);
                prefix = heading.Count == 1 ? heading[0].Groups[1].Value + ":" : string.Empty;
                continue;
            }

            var cells = line.Split('|');
            if (cells.Length < 5 || !line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var names = Code().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            var first = names[0].StartsWith("Bridge:", StringComparison.Ordinal) ? names[0] : prefix + names[0];
            var parent = first[..(first.LastIndexOf(':') + 1)];

            // "`Issuer`, `Audience`" and "`Authority` / `MetadataAddress`": the later names are siblings of the first.
            var rowKeys = names.Select((n, i) => i == 0 ? first : parent + n).Select(Normalize).ToList();
            var defaultCell = cells[2].Trim();
            var literals = defaultCell.StartsWith('`') ? Code().Matches(defaultCell).Select(m => m.Groups[1].Value).ToList() : [];
            var readAtStart = string.Join('|', cells.Skip(3)).Contains("read at start", StringComparison.OrdinalIgnoreCase);
            for (var i = 0; i < rowKeys.Count; i++)
            {
                var literal = literals.Count == 0 ? null : literals.Count == rowKeys.Count ? literals[i] : literals[0];
                rows.Add(new Row(rowKeys[i], literal == "\"\"" ? string.Empty : literal, readAtStart));
            }
        }

        return rows;
    }

    /// <summary>Every key the options bind, with its default as configuration.md writes it (empty: none).</summary>
    private static Dictionary<string, string> CodedKeys()
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(typeof(BridgeOptions), new BridgeOptions(), BridgeOptions.SectionName, keys);
        return keys;
    }

    private static void Walk(Type type, object? instance, string path, Dictionary<string, string> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var key = $"{path}:{property.Name}";
            if (IsScalar(propertyType) || IsList(propertyType))
            {
                // A computed value (no setter) is not a setting; a list is filled in place.
                if (property.CanWrite || IsList(propertyType))
                {
                    keys[key] = Format(instance is null ? null : property.GetValue(instance));
                }
            }
            else if (IsDictionary(propertyType, out var valueType))
            {
                if (IsScalar(valueType))
                {
                    keys[$"{key}:{{}}"] = string.Empty;
                }
                else
                {
                    Walk(valueType, Activator.CreateInstance(valueType), $"{key}:{{}}", keys);
                }
            }
            else
            {
                Walk(propertyType, (instance is null ? null : property.GetValue(instance)) ?? Activator.CreateInstance(propertyType), key, keys);
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IEnumerable e and not string => e.Cast<object>().Any() ? string.Join(",", e.Cast<object>()) : string.Empty,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && !IsDictionary(type, out _);

    private static bool IsDictionary(Type type, out Type valueType)
    {
        var dictionary = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        valueType = dictionary?.GetGenericArguments()[1] ?? typeof(object);
        return dictionary is not null;
    }

    /// <summary><c>{name}</c>, <c>{variable}</c>: any name the user chooses.</summary>
    private static string Normalize(string key) => Placeholder().Replace(key, "{}");

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"^- `([^`]+)`", RegexOptions.Multiline)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\{[a-z]+\}")]
    private static partial Regex Placeholder();
}
