namespace Torsion.Logging;

/// <summary>
/// Remembers the most recent events, up to a fixed count, so they can be replayed later
/// (Twisted's <c>LimitedHistoryLogObserver</c>). <see cref="LogBeginner"/> uses one to hold what
/// was logged before logging began.
/// </summary>
public sealed class LimitedHistoryLogObserver : ILogObserver
{
    private readonly Lock _lock = new();
    private readonly LogEvent[] _ring;
    private int _next;
    private int _count;

    /// <summary>Keeps at most <paramref name="size"/> events; older ones are dropped first.</summary>
    public LimitedHistoryLogObserver(int size = 200)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _ring = new LogEvent[size];
    }

    /// <summary>The number of events currently held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <inheritdoc />
    public void Observe(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        lock (_lock)
        {
            _ring[_next] = logEvent;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }
    }

    /// <summary>The held events, oldest first.</summary>
    public IReadOnlyList<LogEvent> Snapshot()
    {
        lock (_lock)
        {
            var events = new LogEvent[_count];
            var start = (_next - _count + _ring.Length) % _ring.Length;
            for (var i = 0; i < _count; i++)
            {
                events[i] = _ring[(start + i) % _ring.Length];
            }
            return events;
        }
    }

    /// <summary>Delivers the held events, oldest first, to <paramref name="observer"/>.</summary>
    public void ReplayTo(ILogObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        // Replayed from a copy, outside the lock, so an observer that logs cannot deadlock us.
        foreach (var logEvent in Snapshot())
        {
            observer.Observe(logEvent);
        }
    }
}
