using System.Text.RegularExpressions;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// A value still set to an example's placeholder: <c>change-me…</c>, as docs/examples/*.env and compose.env ship them,
/// or a secret written <c>&lt;…&gt;</c>, as the guides' JSON examples write them (<c>&lt;from a secret store&gt;</c>,
/// <c>Bearer &lt;token&gt;</c>): a secret everyone knows, or a password that will be refused. An error in
/// <c>--check</c> and at start outside Development, naming the key (never the value).
/// </summary>
internal static partial class Placeholders
{
    // The last key segments that hold a secret (a list's items too: PreviousSigningKeys:0). Only there is "<…>" taken
    // for a placeholder: a mapping's or a user variable's text may well be "<none>".
    private static readonly string[] SecretKeys =
    [
        "Secret", "SecretHash", "Password", "SigningKey", "PreviousSigningKeys", "HeaderValue", "ConnectionString", "ClientSecret",
        "Certificate", "CertificatePassword", "PrivateKey",
    ];

    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        var errors = new List<string>();
        foreach (var setting in configuration.GetSection(BridgeOptions.SectionName).AsEnumerable())
        {
            if (setting.Value is { } value && (ChangeMe().IsMatch(value) || (IsSecret(setting.Key) && AngleBrackets().IsMatch(value))))
            {
                errors.Add($"{setting.Key}: still the example's placeholder: set the real value");
            }
        }

        return [.. errors.Order(StringComparer.Ordinal)];
    }

    private static bool IsSecret(string key)
    {
        var segments = key.Split(':');
        var last = segments.Length > 1 && segments[^1].All(char.IsAsciiDigit) ? segments[^2] : segments[^1];
        return SecretKeys.Any(s => string.Equals(s, last, StringComparison.OrdinalIgnoreCase))
            || key.EndsWith(":KeyRing:Key", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>change-me</c> as a word of its own: not inside <c>Exchange-Messaging</c> or <c>exchange-metrics.corp</c>.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}])change-me", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChangeMe();

    /// <summary>A word in angle brackets standing alone (<c>&lt;token&gt;</c>, <c>Bearer &lt;token&gt;</c>), not a password's characters (<c>x&lt;y&gt;z</c>).</summary>
    [GeneratedRegex(@"(?:^|\s)<[^<>\s](?:[^<>]*[^<>\s])?>(?:\s|$)")]
    private static partial Regex AngleBrackets();
}
