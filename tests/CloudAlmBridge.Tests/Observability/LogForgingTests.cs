using CloudAlmBridge.Observability;
using Serilog.Events;
using Serilog.Parsing;

namespace CloudAlmBridge.Tests.Observability;

/// <summary>Values from outside can never forge a console log line: control characters are escaped when written.</summary>
public sealed class LogForgingTests
{
    [Theory]
    [InlineData("/api/v1/x\n[12:00:00 INF] CloudAlmBridge: admin logged in")]
    [InlineData("ops\r\n[12:00:00 INF] forged")]
    [InlineData("ansi \u001b[2J clear screen")]
    [InlineData("line\u2028separator")]
    public void AValueWithControlCharacters_StaysOnItsOneLine_Escaped(string value)
    {
        var formatter = new EscapingTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}");
        var property = new LogEventProperty("Path", new ScalarValue(value));
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Warning, null,
            new MessageTemplateParser().Parse("Request to {Path} refused"), [property]);
        using var output = new StringWriter();

        formatter.Format(logEvent, output);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("[", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\u2028', line);
        Assert.Equal(value, ((ScalarValue)logEvent.Properties["Path"]).Value);
    }

    [Fact]
    public void AnExceptionsStackTrace_FollowsOnItsOwnLines()
    {
        var formatter = new EscapingTextFormatter("{Message:lj}");
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Error, new InvalidOperationException("broken"),
            new MessageTemplateParser().Parse("failed"), []);
        using var output = new StringWriter();

        formatter.Format(logEvent, output);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("failed", lines[0]);
        Assert.StartsWith("System.InvalidOperationException: broken", lines[1], StringComparison.Ordinal);
    }
}
