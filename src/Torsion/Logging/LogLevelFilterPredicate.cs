using System.Collections.Concurrent;

namespace Torsion.Logging;

/// <summary>
/// Per-namespace minimum levels (Twisted's <c>LogLevelFilterPredicate</c>): an event passes when its
/// level is at least the level set for its namespace. A namespace with no level of its own inherits
/// its nearest dotted ancestor's (<c>a.b.c</c> → <c>a.b</c> → <c>a</c>), and finally
/// <see cref="DefaultLogLevel"/>, which is <see cref="LogLevel.Info"/> unless set.
/// </summary>
/// <remarks>
/// Lookups happen on every emission, so they are lock-free: the configuration is an immutable
/// snapshot, swapped whole on each change, carrying its own cache of resolved namespaces. A lookup
/// that races a change fills the cache of the snapshot it read, never the new one, so a stale
/// answer cannot outlive the change.
/// </remarks>
public sealed class LogLevelFilterPredicate : ILogFilterPredicate
{
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    /// <summary>Creates a predicate whose unconfigured namespaces use <paramref name="defaultLogLevel"/>.</summary>
    public LogLevelFilterPredicate(LogLevel defaultLogLevel = LogLevel.Info)
    {
        _snapshot = new Snapshot(new Dictionary<string, LogLevel>(StringComparer.Ordinal), defaultLogLevel);
    }

    /// <summary>The level for namespaces with no configured level and no configured ancestor.</summary>
    public LogLevel DefaultLogLevel
    {
        get => _snapshot.Default;
        set
        {
            lock (_writeLock)
            {
                _snapshot = new Snapshot(_snapshot.Levels, value);
            }
        }
    }

    /// <summary>Sets the minimum level for <paramref name="namespace"/> and, unless they have their own, its descendants.</summary>
    public void SetLogLevelForNamespace(string @namespace, LogLevel level)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        lock (_writeLock)
        {
            var levels = new Dictionary<string, LogLevel>(_snapshot.Levels, StringComparer.Ordinal)
            {
                [@namespace] = level,
            };
            _snapshot = new Snapshot(levels, _snapshot.Default);
        }
    }

    /// <summary>Removes every per-namespace level; <see cref="DefaultLogLevel"/> is kept.</summary>
    public void ClearLogLevels()
    {
        lock (_writeLock)
        {
            _snapshot = new Snapshot(new Dictionary<string, LogLevel>(StringComparer.Ordinal), _snapshot.Default);
        }
    }

    /// <summary>The minimum level that applies to <paramref name="namespace"/>, after inheritance.</summary>
    public LogLevel LogLevelForNamespace(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        var snapshot = _snapshot;
        if (snapshot.Levels.Count == 0)
        {
            return snapshot.Default;
        }
        return snapshot.Resolved.GetOrAdd(@namespace, static (ns, s) => s.Resolve(ns), snapshot);
    }

    /// <summary>True if an event at <paramref name="level"/> from <paramref name="namespace"/> passes.</summary>
    public bool IsEnabled(string @namespace, LogLevel level) => level >= LogLevelForNamespace(@namespace);

    /// <summary><see cref="PredicateResult.No"/> below the namespace's level, otherwise <see cref="PredicateResult.Maybe"/>.</summary>
    public PredicateResult Evaluate(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return IsEnabled(logEvent.Namespace, logEvent.Level) ? PredicateResult.Maybe : PredicateResult.No;
    }

    private sealed class Snapshot(Dictionary<string, LogLevel> levels, LogLevel @default)
    {
        public Dictionary<string, LogLevel> Levels { get; } = levels;

        public LogLevel Default { get; } = @default;

        public ConcurrentDictionary<string, LogLevel> Resolved { get; } = new(StringComparer.Ordinal);

        public LogLevel Resolve(string ns)
        {
            while (true)
            {
                if (Levels.TryGetValue(ns, out var level))
                {
                    return level;
                }
                var dot = ns.LastIndexOf('.');
                if (dot < 0)
                {
                    return Default;
                }
                ns = ns[..dot];
            }
        }
    }
}
