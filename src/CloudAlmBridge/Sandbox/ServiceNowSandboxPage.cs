using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace CloudAlmBridge.Sandbox;

/// <summary>
/// The sandbox's stand-in for ServiceNow's record form, at the address the bridge gives Cloud ALM as
/// <c>displayUrl</c> for a <c>SNOW</c> webhook (<c>nav_to.do?uri=incident.do?sys_id=…</c>). Rendered on the server:
/// every value HTML-encoded, no script, no style and nothing loaded, so the content security policy the bridge sends
/// with every API answer (<c>default-src 'none'</c>) holds for this page unchanged.
/// </summary>
internal static class ServiceNowSandboxPage
{
    // What ServiceNow's incident form shows first; every other field follows by name.
    private static readonly string[] LeadingFields =
    [
        "number", "short_description", "state", "active", "urgency", "impact", "priority", "category", "assignment_group",
        "caller_id", "contact_type", "correlation_id", "correlation_display", "description", "work_notes", "close_code",
        "close_notes", "sys_id", "sys_created_on", "sys_updated_on",
    ];

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>
    /// Reads <c>nav_to.do</c>'s <c>uri</c>: <c>{table}.do?sys_id={sys_id}</c>, as the bridge writes it, or with the
    /// inner query percent-encoded (<c>incident.do%3Fsys_id%3D…</c>), as ServiceNow's own links often have it.
    /// </summary>
    public static bool TryParseUri(string? uri, out string table, out string sysId)
    {
        table = sysId = string.Empty;
        var separator = uri?.IndexOf(".do?", StringComparison.Ordinal) ?? -1;
        if (separator <= 0)
        {
            return false;
        }

        table = uri![..separator];
        sysId = QueryHelpers.ParseQuery(uri[(separator + ".do".Length)..]).TryGetValue("sys_id", out var id) ? id.ToString() : string.Empty;
        return sysId.Length > 0 && table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    public static string Record(string table, JsonObject record)
    {
        var number = record["number"]?.ToString() ?? string.Empty;
        var sysId = record["sys_id"]?.ToString() ?? string.Empty;
        var body = new StringBuilder()
            .Append("<h1>").Append(Html.Encode($"{Label(table)} {number}")).Append("</h1>\n")
            .Append("<p>").Append(Html.Encode(record["short_description"]?.ToString() ?? string.Empty)).Append("</p>\n")
            .Append("<table>\n");
        var fields = LeadingFields.Where(record.ContainsKey)
            .Concat(record.Select(field => field.Key).Where(name => !LeadingFields.Contains(name)).Order(StringComparer.Ordinal));
        foreach (var name in fields)
        {
            var value = Display(table, name, record[name]);
            body.Append("<tr><th scope=\"row\">").Append(Html.Encode(name)).Append("</th><td>")
                .Append(value.Contains('\n', StringComparison.Ordinal) ? $"<pre>{EncodeLines(value)}</pre>" : Html.Encode(value))
                .Append("</td></tr>\n");
        }

        // Relative, so it holds behind a path base: the page is at /sandbox/servicenow/nav_to.do.
        var json = $"api/now/table/{Uri.EscapeDataString(table)}/{Uri.EscapeDataString(sysId)}";
        body.Append("</table>\n")
            .Append("<p><a href=\"").Append(Html.Encode(json)).Append("\">The same record in the Table API (JSON)</a></p>\n");
        return Page($"{number} | ServiceNow sandbox", body.ToString());
    }

    /// <summary>Line by line: the encoder would write a line break as a character reference, which no one can read in the page's source.</summary>
    private static string EncodeLines(string value) =>
        string.Join('\n', value.ReplaceLineEndings("\n").Split('\n').Select(line => Html.Encode(line)));

    public static string Message(string title, string text) =>
        Page($"{title} | ServiceNow sandbox", $"<h1>{Html.Encode(title)}</h1>\n<p>{Html.Encode(text)}</p>\n");

    private static string Page(string title, string main) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Html.Encode(title)}</title>
        </head>
        <body>
        <header><p>ServiceNow sandbox of CloudAlmBridge (Development only)</p></header>
        <main>
        {main}</main>
        </body>
        </html>

        """;

    private static string Label(string table) => table.ToLowerInvariant() switch
    {
        "incident" => "Incident",
        "sn_customerservice_case" => "Case",
        "problem" => "Problem",
        _ => table,
    };

    /// <summary>A field as the form shows it: an incident's state with its label, like ServiceNow's choice list.</summary>
    private static string Display(string table, string name, JsonNode? value)
    {
        var text = value?.ToString() ?? string.Empty;
        if (name != "state" || !string.Equals(table, "incident", StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        var label = text switch
        {
            "1" => "New",
            "2" => "In Progress",
            "3" => "On Hold",
            "6" => "Resolved",
            "7" => "Closed",
            "8" => "Canceled",
            _ => null,
        };
        return label is null ? text : $"{text} ({label})";
    }
}
