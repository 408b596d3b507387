using Torsion.Defer;

namespace Torsion.Logging;

/// <summary>
/// Fans each event out to a set of observers (Twisted's <c>LogPublisher</c>). It is itself an
/// observer, so publishers nest.
/// </summary>
/// <remarks>
/// <para>
/// Emission is lock-free and safe from any number of threads: the observer list is an immutable
/// array replaced whole (copy-on-write) when observers are added or removed, so an emitter
/// iterates a stable snapshot and never blocks on registration. An event in flight while an
/// observer is removed may still reach it once.
/// </para>
/// <para>
/// An observer that throws is kept, not removed: a disk that is briefly full should not silence
/// logging for the rest of the process. The exception never reaches the emitter. The first failure
/// is reported as a <see cref="LogLevel.Critical"/> event, with the exception attached, to the
/// other observers; later failures of the same observer are not reported again until it has
/// handled an event successfully, so a broken observer cannot flood the log.
/// </para>
/// </remarks>
public sealed class LogPublisher : ILogObserver
{
    private readonly Lock _writeLock = new();
    private volatile Entry[] _entries = [];
    private volatile LogLevelFilterPredicate? _levelFilter;

    /// <summary>Creates a publisher that forwards to <paramref name="observers"/>.</summary>
    public LogPublisher(params ILogObserver[] observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        foreach (var observer in observers)
        {
            AddObserver(observer);
        }
    }

    /// <summary>
    /// Levels below which events are dropped here, before any observer sees them; <c>null</c>
    /// (the default for a new publisher) passes everything. <see cref="Logger"/> consults it via
    /// <see cref="IsEnabled"/> before building an event, which makes a disabled
    /// <c>log.Debug(...)</c> cost a lookup rather than an allocation.
    /// </summary>
    public LogLevelFilterPredicate? LevelFilter
    {
        get => _levelFilter;
        set => _levelFilter = value;
    }

    /// <summary>The observers currently registered, in the order they receive events.</summary>
    public IReadOnlyList<ILogObserver> Observers => Array.ConvertAll(_entries, e => e.Observer);

    /// <summary>True if an event at <paramref name="level"/> from <paramref name="namespace"/> would pass <see cref="LevelFilter"/>.</summary>
    public bool IsEnabled(string @namespace, LogLevel level) =>
        _levelFilter is not { } filter || filter.IsEnabled(@namespace, level);

    /// <summary>Registers <paramref name="observer"/>. Adding one already registered does nothing.</summary>
    public void AddObserver(ILogObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_writeLock)
        {
            if (IndexOf(_entries, observer) < 0)
            {
                _entries = [.. _entries, new Entry(observer)];
            }
        }
    }

    /// <summary>Unregisters <paramref name="observer"/>. Removing one not registered does nothing.</summary>
    public void RemoveObserver(ILogObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_writeLock)
        {
            var entries = _entries;
            var index = IndexOf(entries, observer);
            if (index >= 0)
            {
                _entries = [.. entries.AsSpan(0, index), .. entries.AsSpan(index + 1)];
            }
        }
    }

    /// <summary>
    /// Atomically swaps <paramref name="old"/> for <paramref name="replacements"/>, so that every
    /// event reaches either the old observer or the new ones, never both and never neither. This is
    /// what lets <see cref="LogBeginner"/> hand over from its startup buffer without losing or
    /// duplicating events emitted during the hand-over.
    /// </summary>
    internal void ReplaceObserver(ILogObserver old, IReadOnlyList<ILogObserver> replacements)
    {
        lock (_writeLock)
        {
            var kept = new List<Entry>(_entries.Length + replacements.Count);
            foreach (var entry in _entries)
            {
                if (!ReferenceEquals(entry.Observer, old))
                {
                    kept.Add(entry);
                }
            }
            foreach (var observer in replacements)
            {
                if (!kept.Exists(e => ReferenceEquals(e.Observer, observer)))
                {
                    kept.Add(new Entry(observer));
                }
            }
            _entries = [.. kept];
        }
    }

    /// <summary>Delivers <paramref name="logEvent"/> to every observer, unless <see cref="LevelFilter"/> rejects it.</summary>
    public void Observe(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (!IsEnabled(logEvent.Namespace, logEvent.Level))
        {
            return;
        }
        var entries = _entries;
        foreach (var entry in entries)
        {
            try
            {
                entry.Observer.Observe(logEvent);
                if (entry.Failing)
                {
                    entry.Failing = false;
                }
            }
            catch (Exception e)
            {
                if (!entry.Failing)
                {
                    entry.Failing = true;
                    ReportBrokenObserver(entries, entry, e);
                }
            }
        }
    }

    private static void ReportBrokenObserver(Entry[] entries, Entry broken, Exception exception)
    {
        var report = new LogEvent(
            DateTimeOffset.UtcNow,
            LogLevel.Critical,
            typeof(LogPublisher).FullName!,
            "Log observer {observer} failed; it stays registered, and its further failures are not reported until it next succeeds",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["observer"] = broken.Observer },
            new Failure(exception));
        foreach (var entry in entries)
        {
            if (ReferenceEquals(entry, broken))
            {
                continue;
            }
            try
            {
                entry.Observer.Observe(report);
            }
            catch (Exception)
            {
                // Reporting a failure must not itself fail the emitter, nor recurse: an observer
                // that cannot take the report has its own failure reported on its next event.
            }
        }
    }

    private static int IndexOf(Entry[] entries, ILogObserver observer)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            if (ReferenceEquals(entries[i].Observer, observer))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A registered observer and whether its last event threw.</summary>
    private sealed class Entry(ILogObserver observer)
    {
        public ILogObserver Observer { get; } = observer;

        // Read and written by concurrent emitters without a lock: the flag only throttles
        // reporting, so a lost update costs at most one extra or one missing report.
        public volatile bool Failing;
    }
}
