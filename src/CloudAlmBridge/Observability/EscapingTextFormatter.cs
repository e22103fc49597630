using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace CloudAlmBridge.Observability;

/// <summary>
/// The console's line format, with every control character of the rendered line escaped (<c>\n</c>, <c>\r</c>,
/// <c>\u001b</c> …): a value from outside — a request path with <c>%0A</c>, a Basic user name with a newline — can
/// never start a forged line such as <c>[12:00:00 INF] …</c>. One event is one line; only an exception's stack trace
/// follows on lines of its own. The event's structured properties keep their values as they were.
/// </summary>
internal sealed class EscapingTextFormatter(string lineTemplate) : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _line = new(lineTemplate, CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var line = new StringWriter(CultureInfo.InvariantCulture);
        _line.Format(logEvent, line);
        output.Write(Escape(line.ToString()));
        output.WriteLine();
        if (logEvent.Exception is { } exception)
        {
            output.WriteLine(exception.ToString());
        }
    }

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
