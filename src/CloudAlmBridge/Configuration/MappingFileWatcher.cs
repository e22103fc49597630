namespace CloudAlmBridge.Configuration;

/// <summary>
/// Watches the mapping files of the configuration in force (<c>Bridge:Mappings:&lt;name&gt;:File</c>) and asks for a
/// reload when one changes: edited in place, or written beside it and renamed over it, as editors and configuration
/// management do. Changes are gathered for a moment first, since one save is often several file events.
/// </summary>
internal sealed class MappingFileWatcher : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private readonly Action _changed;
    private readonly Lock _lock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private HashSet<string> _files = new(StringComparer.Ordinal);
    private Timer? _settle;

    public MappingFileWatcher(Action changed) => _changed = changed;

    /// <summary>Watches exactly these files from now on (the mapping files of the configuration just put in force).</summary>
    public void Watch(IEnumerable<string> files)
    {
        lock (_lock)
        {
            var wanted = files.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
            if (wanted.SetEquals(_files))
            {
                return;
            }

            DisposeWatchers();
            _files = wanted;
            foreach (var directory in wanted.Select(Path.GetDirectoryName).Where(Directory.Exists).Distinct(StringComparer.Ordinal))
            {
                // The folder, not the file: a rename over the file replaces the file a file watcher would follow.
                var watcher = new FileSystemWatcher(directory!)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += OnEvent;
                watcher.Created += OnEvent;
                watcher.Renamed += OnEvent;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            DisposeWatchers();
            _settle?.Dispose();
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs change)
    {
        lock (_lock)
        {
            if (!_files.Contains(change.FullPath))
            {
                return;
            }

            _settle ??= new Timer(_ => _changed(), null, Timeout.Infinite, Timeout.Infinite);
            _settle.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }
}
