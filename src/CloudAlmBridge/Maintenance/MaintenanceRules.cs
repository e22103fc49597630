using System.Globalization;
using CloudAlmBridge.Configuration;
using Cronos;

namespace CloudAlmBridge.Maintenance;

/// <summary>
/// <c>Bridge:Maintenance:{name}</c>: once (<c>Start</c>, <c>End</c>) or recurring (<c>Schedule</c>, <c>Duration</c>,
/// <c>TimeZone</c>), what it covers (<c>Subscriptions</c>, <c>Services</c>) and <c>AtEnd</c>. Every error names its key;
/// the windows that read well are provided as <see cref="ConfiguredWindows"/>.
/// </summary>
internal sealed class MaintenanceRules : IConfigurationRule
{
    /// <summary>The names of ad hoc windows begin so (<c>adhoc-12</c>): a configured window cannot take one.</summary>
    public const string AdHocPrefix = "adhoc-";

    public static readonly TimeSpan LongestDuration = TimeSpan.FromDays(7);

    public void Check(ConfigurationCheck check)
    {
        var windows = new List<ConfiguredWindow>();
        foreach (var (name, options) in check.Options.Maintenance)
        {
            var key = $"{ConfigurationCheck.Root}:Maintenance:{name}";
            if (Read(check, key, name, options) is { } window)
            {
                windows.Add(window);
            }
        }

        check.Provide(new ConfiguredWindows(windows));
    }

    private static ConfiguredWindow? Read(ConfigurationCheck check, string key, string name, MaintenanceWindowOptions options)
    {
        var errors = check.Errors.Count;
        if (name.StartsWith(AdHocPrefix, StringComparison.OrdinalIgnoreCase))
        {
            check.Add($"{key}: names beginning '{AdHocPrefix}' are the ad hoc windows'; choose another name");
        }

        var once = options.Start is not null || options.End is not null;
        var recurring = options.Schedule is not null || options.Duration is not null;
        DateTimeOffset? start = null, end = null;
        CronExpression? schedule = null;
        var duration = TimeSpan.Zero;
        var zone = TimeZoneInfo.Utc;
        if (once && recurring)
        {
            check.Add($"{key}: either Start and End (once) or Schedule and Duration (recurring), not both");
        }
        else if (!once && !recurring)
        {
            check.Add($"{key}: needs Start and End (once) or Schedule and Duration (recurring)");
        }
        else if (once)
        {
            start = Time(check, $"{key}:Start", options.Start);
            end = Time(check, $"{key}:End", options.End);
            if (start is not null && end is not null && end <= start)
            {
                check.Add($"{key}:End: '{options.End}' is not after Start '{options.Start}'");
            }

            if (options.TimeZone is not null)
            {
                check.Add($"{key}:TimeZone: read only with Schedule; Start and End carry their own offset");
            }
        }
        else
        {
            schedule = Cron(check, $"{key}:Schedule", options.Schedule);
            duration = Duration(check, $"{key}:Duration", options.Duration);
            zone = Zone(check, $"{key}:TimeZone", options.TimeZone);
        }

        for (var i = 0; i < options.Subscriptions.Count; i++)
        {
            if (!check.Options.Subscriptions.ContainsKey(options.Subscriptions[i]))
            {
                check.Add($"{key}:Subscriptions:{i}: no subscription '{options.Subscriptions[i]}' is configured{ConfigurationCheck.Known(check.Options.Subscriptions.Keys)}");
            }
        }

        for (var i = 0; i < options.Services.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Services[i]))
            {
                check.Add($"{key}:Services:{i}: empty; a service is named by the situation's serviceId");
            }
        }

        check.OneOf($"{key}:AtEnd", options.AtEnd, nameof(AtEndPolicy.Deliver), nameof(AtEndPolicy.Drop),
            " (what is still open gets its ticket at the end)", " (nothing of the window reaches the ticket system)");

        if (check.Errors.Count > errors)
        {
            return null;
        }

        return new ConfiguredWindow
        {
            Name = name,
            FixedStart = start,
            FixedEnd = end,
            Schedule = schedule,
            ScheduleText = schedule is null ? null : options.Schedule,
            Duration = duration,
            TimeZone = zone,
            Subscriptions = options.Subscriptions,
            Services = options.Services,
            AtEnd = Enum.Parse<AtEndPolicy>(options.AtEnd, ignoreCase: true),
            Reason = options.Reason,
        };
    }

    private static DateTimeOffset? Time(ConfigurationCheck check, string key, string? value)
    {
        if (value is null)
        {
            check.Add($"{key}: required with a one-off window, an ISO 8601 time with its offset, e.g. 2026-12-12T22:00:00+01:00");
            return null;
        }

        // ISO 8601 only (not the culture's formats); a time without offset is UTC, never the server's local time.
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"];
        if (DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        check.Add($"{key}: '{value}' is not an ISO 8601 time, e.g. 2026-12-12T22:00:00+01:00");
        return null;
    }

    private static CronExpression? Cron(ConfigurationCheck check, string key, string? value)
    {
        const string Format = "five fields, minute hour day-of-month month day-of-week, e.g. '0 22 * * SAT' for Saturdays at 22:00";
        if (value is null)
        {
            check.Add($"{key}: required with Duration, a cron expression of {Format}");
            return null;
        }

        try
        {
            return CronExpression.Parse(value, CronFormat.Standard);
        }
        catch (CronFormatException exception)
        {
            check.Add($"{key}: '{value}' is not a cron expression of {Format} ({exception.Message.TrimEnd('.')})");
            return null;
        }
    }

    private static TimeSpan Duration(ConfigurationCheck check, string key, string? value)
    {
        if (value is null)
        {
            check.Add($"{key}: required with Schedule, how long each occurrence lasts, e.g. 04:00:00");
            return TimeSpan.Zero;
        }

        if (!TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration))
        {
            check.Add($"{key}: '{value}' is not a duration, e.g. 04:00:00 (hours:minutes:seconds) or 1.00:00:00 (a day)");
            return TimeSpan.Zero;
        }

        check.Range(key, duration, TimeSpan.FromMinutes(1), LongestDuration);
        return duration;
    }

    private static TimeZoneInfo Zone(ConfigurationCheck check, string key, string? value)
    {
        if (value is null)
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(value);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            check.Add($"{key}: '{value}' is not a known IANA time zone id, e.g. Europe/Berlin or UTC");
            return TimeZoneInfo.Utc;
        }
    }
}
