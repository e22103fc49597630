namespace CloudAlmBridge.Storage;

/// <summary>
/// Whether the storage takes events now, as the calls that use it find out: an outage begins with the first call it
/// fails and ends with the first write that reaches it again (an accepted event, the readiness probe, a claim or a
/// finished delivery). Each outage is logged twice, when it begins and when it ends with how many calls were refused
/// meanwhile, never once per call: a storage that is away for ten seconds under load would otherwise write thousands of
/// lines.
/// </summary>
internal sealed class StorageOutage(TimeProvider timeProvider, ILogger<StorageOutage> logger)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _since;
    private long _refusedInOutage;
    private long _refused;

    /// <summary>True from a failed call until a write gets through again.</summary>
    public bool Down
    {
        get
        {
            lock (_lock)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>Calls answered 503 because of the storage since the start: <c>bridge_storage_refused_calls_total</c>.</summary>
    public long RefusedTotal => Interlocked.Read(ref _refused);

    /// <summary>The storage failed a call (it could not be reached, or refused to write): the outage begins, if it had not.</summary>
    public void Failed(Exception exception)
    {
        lock (_lock)
        {
            if (_since is not null)
            {
                return;
            }

            _since = timeProvider.GetUtcNow();
            _refusedInOutage = 0;
        }

        StorageLog.OutageBegan(logger, Reason(exception));
    }

    /// <summary>A call was answered 503 because of the storage (counted for the outage's end line and the metric).</summary>
    public void Refused()
    {
        Interlocked.Increment(ref _refused);
        lock (_lock)
        {
            _refusedInOutage++;
        }
    }

    /// <summary>A write reached the storage: the outage, if there was one, is over.</summary>
    public void Recovered()
    {
        DateTimeOffset since;
        long refused;
        lock (_lock)
        {
            if (_since is not { } began)
            {
                return;
            }

            (since, refused, _since) = (began, _refusedInOutage, null);
        }

        StorageLog.OutageEnded(logger, timeProvider.GetUtcNow() - since, refused);
    }

    /// <summary>The innermost message: "No space left on device", not the wrapper's.</summary>
    private static string Reason(Exception exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(inner.Message))
            {
                message = $"{message} ({inner.Message})";
            }
        }

        return message;
    }
}
