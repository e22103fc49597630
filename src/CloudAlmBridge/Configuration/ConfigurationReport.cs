using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// How a configuration that stops the start is reported on the console: one error per line with its key, no stack
/// trace, and the process ends with exit code 1 (a supervisor sees a failure, a person sees what to fix).
/// </summary>
internal static class ConfigurationReport
{
    public static void Write(TextWriter output, IReadOnlyCollection<string> errors)
    {
        output.WriteLine($"CloudAlmBridge did not start: the configuration has {errors.Count} {(errors.Count == 1 ? "error" : "errors")}.");
        foreach (var error in errors)
        {
            output.WriteLine($"  {error}");
        }

        output.WriteLine("Fix them in appsettings.json, the environment (Bridge__…) or the mapping files; docs/configuration.md lists every key. "
            + "'dotnet CloudAlmBridge.dll --check' checks a configuration without starting the bridge.");
    }

    /// <summary>
    /// Builds the host; false, with the report written, when the configuration already stops that (Kestrel reads the
    /// options while it is built).
    /// </summary>
    public static bool TryBuild(WebApplicationBuilder builder, TextWriter output, [NotNullWhen(true)] out WebApplication? app)
    {
        app = null;
        try
        {
            app = builder.Build();
            return true;
        }
        catch (Exception exception) when (ServedByKestrel(app) && Reported(exception, output))
        {
            return false;
        }
    }

    /// <summary>
    /// Runs the start validation at once (before anything starts, so the errors do not arrive while the host is being
    /// torn down); false, with the report written, when the configuration stops the start.
    /// </summary>
    public static bool TryValidate(WebApplication app, TextWriter output)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            return true;
        }
        catch (Exception exception) when (ServedByKestrel(app) && Reported(exception, output))
        {
            return false;
        }
    }

    private static bool Reported(Exception exception, TextWriter output)
    {
        var failures = exception switch
        {
            OptionsValidationException validation => validation.Failures.ToList(),
            AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
                aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList(),
            _ => null,
        };
        if (failures is null)
        {
            return false;
        }

        Write(output, failures);
        return true;
    }

    /// <summary>
    /// A host on another server than Kestrel is run by whoever built it (the integration tests' WebApplicationFactory),
    /// and that one reports the exception itself: it is left to propagate there. Before the host exists (Kestrel reads
    /// the options while it is built), it is the bridge's own process.
    /// </summary>
    public static bool ServedByKestrel(WebApplication? app) =>
        app?.Services.GetService<IServer>()?.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) ?? true;
}
