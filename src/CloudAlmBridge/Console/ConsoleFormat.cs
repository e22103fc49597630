using System.Globalization;

namespace CloudAlmBridge.Console;

/// <summary>How the pages write times and counts: UTC, to the second, the same on every operator's screen.</summary>
public static class ConsoleFormat
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The CSS class of a delivery state (its colour in tables and the chart).</summary>
    public static string StateClass(string state) => "state-" + state.ToLowerInvariant();

    /// <summary>
    /// A ticket system's <c>displayUrl</c> as a link only when it is http(s): it comes from the ticket system's answer,
    /// and a <c>javascript:</c> URL there must not become a script in the operator's browser.
    /// </summary>
    public static string? SafeLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri.AbsoluteUri : null;
}
