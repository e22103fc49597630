namespace CloudAlmBridge.Configuration;

/// <summary>
/// One build of the configuration as the rules see it: the options, where relative files are read from, the errors
/// found so far and the parts the rules built. Errors are written as <c>Bridge:Section:Key: what is wrong</c>.
/// </summary>
internal sealed class ConfigurationCheck(BridgeOptions options, string contentRoot, bool atStart)
{
    public const string Root = BridgeOptions.SectionName;

    private readonly List<string> _errors = [];
    private readonly Dictionary<Type, object> _parts = [];

    public BridgeOptions Options { get; } = options;

    /// <summary>The folder relative file names (mapping files, certificates) are read from.</summary>
    public string ContentRoot { get; } = contentRoot;

    /// <summary>The build at start, rather than a reload: some rules (placeholders, a required key) stop the start only.</summary>
    public bool AtStart { get; } = atStart;

    public IReadOnlyList<string> Errors => _errors;

    public void Add(string error) => _errors.Add(error);

    public void AddRange(IEnumerable<string> errors) => _errors.AddRange(errors);

    /// <summary>Something a rule built while checking (compiled mapping files, loaded certificates), put in force with the model.</summary>
    public void Provide<TPart>(TPart part)
        where TPart : class => _parts[typeof(TPart)] = part;

    public ConfigurationParts Parts() => new(_parts);

    /// <summary><c>Bridge:…:Name: must be between 1 and 256 (is 0)</c> when the value is outside the range.</summary>
    public void Range(string key, long value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum)
        {
            Add($"{key}: must be between {minimum} and {maximum} (is {value})");
        }
    }

    /// <summary>The same for a duration: <c>must be between 00:00:01 and 01:00:00 (is …)</c>.</summary>
    public void Range(string key, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum || value > maximum)
        {
            Add($"{key}: must be between {minimum} and {maximum} (is {value})");
        }
    }

    /// <summary><c>must be '{a}' or '{b}'</c> for a setting that takes one of two words, compared without case.</summary>
    public void OneOf(string key, string value, string first, string second, string? explainFirst = null, string? explainSecond = null)
    {
        if (!string.Equals(value, first, StringComparison.OrdinalIgnoreCase) && !string.Equals(value, second, StringComparison.OrdinalIgnoreCase))
        {
            Add($"{key}: '{value}' must be '{first}'{explainFirst} or '{second}'{explainSecond}");
        }
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>A URL with user info before '@': its password would reach the log if the URL were repeated.</summary>
    public static bool HasUserInfo(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.UserInfo.Length > 0 : value.Contains('@', StringComparison.Ordinal);

    /// <summary><c>; known: a, b</c> after an unknown name, or <c> (none is configured)</c>.</summary>
    public static string Known(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return list.Count == 0 ? " (none is configured)" : $"; known: {string.Join(", ", list)}";
    }

    /// <summary>A relative file name is read from the content root.</summary>
    public string PathOf(string file) => Path.IsPathRooted(file) ? file : Path.Combine(ContentRoot, file);
}
