using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// The configuration in force. A change is picked up without a restart; an invalid change is rejected and logged, and
/// the last good configuration stays (docs/api.md §1).
/// </summary>
/// <remarks>
/// Reload is handled here rather than through IOptionsMonitor: a monitor re-validates on the configuration watcher's
/// thread and throws there, while this keeps the last good model and reports the errors.
/// </remarks>
internal sealed class ActiveConfiguration : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly BridgeModelBuilder _builder;
    private readonly ILogger<ActiveConfiguration> _logger;
    private readonly IDisposable _reloadRegistration;
    private readonly MappingFileWatcher _mappingFiles;
    private readonly string _contentRoot;
    private readonly Lock _reloadLock = new();
    private readonly Dictionary<string, string?> _startOnlyAtStart;
    private BridgeModel _current;

    public ActiveConfiguration(IOptions<BridgeOptions> options, IConfiguration configuration, IHostEnvironment environment,
        BridgeModelBuilder builder, ILogger<ActiveConfiguration> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _contentRoot = environment.ContentRootPath;
        _builder = builder;

        // The start validation built this model already (reading the options validates them): taken over, not built again.
        var (model, errors) = _builder.AtStart(options.Value);
        _current = model ?? throw new OptionsValidationException(BridgeOptions.SectionName, typeof(BridgeOptions), errors);
        _startOnlyAtStart = StartOnlySettings.Read(configuration);
        WarnAboutUnknownSettings();
        WarnAboutSecurity(_current);
        _mappingFiles = new MappingFileWatcher(Reload);
        _mappingFiles.Watch(MappingFiles(options.Value));
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public BridgeModel Current => Volatile.Read(ref _current);

    /// <summary>Raised after a changed configuration was put in force.</summary>
    public event Action<BridgeModel>? Changed;

    /// <summary>The errors of the last rejected reload; empty when the configuration in force is the latest.</summary>
    public IReadOnlyList<string> RejectedChangeErrors { get; private set; } = [];

    /// <summary>Start-only settings changed since the start: in force only after a restart.</summary>
    public IReadOnlyList<string> ChangedSinceStart { get; private set; } = [];

    public void Dispose()
    {
        _reloadRegistration.Dispose();
        _mappingFiles.Dispose();
    }

    /// <summary>
    /// A change of the configuration or of a mapping file: the whole configuration is built again, mapping files read
    /// anew, and put in force only when valid. One at a time: both sources may fire together.
    /// </summary>
    private void Reload()
    {
        lock (_reloadLock)
        {
            ReloadNow();
        }
    }

    private void ReloadNow()
    {
        WarnAboutStartOnlyChanges();
        var options = new BridgeOptions();
        try
        {
            _configuration.GetSection(BridgeOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            RejectedChangeErrors = [exception.Message];
            ConfigurationLog.ReloadRejected(_logger, exception.Message);
            return;
        }

        // The files named by the newest configuration are watched whether or not it is valid: fixing a broken file
        // must be seen too.
        _mappingFiles.Watch(MappingFiles(options));
        var (model, errors) = _builder.Build(options);
        if (model is null)
        {
            RejectedChangeErrors = errors;
            ConfigurationLog.ReloadRejected(_logger, string.Join("; ", errors));
            return;
        }

        Volatile.Write(ref _current, model);
        RejectedChangeErrors = [];
        ConfigurationLog.Reloaded(_logger, InForce.Subscriptions(model));
        Changed?.Invoke(model);
        WarnAboutUnknownSettings();
        WarnAboutSecurity(model);
    }

    /// <summary>
    /// A start-only setting that changed is said once per change, whether or not the rest of the change is valid: the
    /// operator who edited it must not believe it is in force.
    /// </summary>
    private void WarnAboutStartOnlyChanges()
    {
        var changed = StartOnlySettings.Changed(_startOnlyAtStart, _configuration);
        foreach (var key in changed.Except(ChangedSinceStart, StringComparer.Ordinal))
        {
            ConfigurationLog.NeedsRestart(_logger, key);
        }

        ChangedSinceStart = changed;
    }

    private void WarnAboutUnknownSettings()
    {
        foreach (var warning in UnknownSettings.Find(_configuration).Concat(UnknownSettings.Unused(Current.Options)))
        {
            ConfigurationLog.UnknownSetting(_logger, warning);
        }
    }

    private IEnumerable<string> MappingFiles(BridgeOptions options) =>
        options.Mappings.Values
            .Where(m => !string.IsNullOrWhiteSpace(m.File))
            .Select(m => Path.IsPathRooted(m.File) ? m.File! : Path.Combine(_contentRoot, m.File!));

    /// <summary>At every start and every applied change: a reload must not open the events API silently.</summary>
    private void WarnAboutSecurity(BridgeModel model)
    {
        if (model.Options.Security.AllowAnonymousEvents)
        {
            ConfigurationLog.AnonymousEventsAllowed(_logger);
        }

        if (string.IsNullOrEmpty(model.Options.Security.Tokens.SigningKey))
        {
            ConfigurationLog.EphemeralSigningKey(_logger);
        }
    }
}
