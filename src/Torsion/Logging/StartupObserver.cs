namespace Torsion.Logging;

/// <summary>
/// Stands in for the real observers until logging begins: keeps the last events for replay and
/// echoes errors to standard error at once, so a process that dies before it configures logging
/// still says why. Once handed over it forwards whatever still reaches it.
/// </summary>
/// <remarks>
/// The hand-over replays the buffer and switches to forwarding under one lock, and the publisher
/// swaps this observer for the real ones atomically afterwards. An event therefore reaches the new
/// observers exactly once, in order relative to the replay, however emission and hand-over race.
/// </remarks>
internal sealed class StartupObserver : ILogObserver
{
    private readonly Lock _lock = new();
    private readonly LimitedHistoryLogObserver _history;
    private readonly ILogObserver _errorEcho;
    private LogPublisher? _forwardTo;

    internal StartupObserver(int bufferSize, ILogObserver errorEcho)
    {
        _history = new LimitedHistoryLogObserver(bufferSize);
        _errorEcho = errorEcho;
    }

    public void Observe(LogEvent logEvent)
    {
        lock (_lock)
        {
            if (_forwardTo is { } targets)
            {
                targets.Observe(logEvent);
                return;
            }
            _history.Observe(logEvent);
        }
        if (logEvent.Level >= LogLevel.Error)
        {
            _errorEcho.Observe(logEvent);
        }
    }

    /// <summary>Replays the buffer to <paramref name="targets"/> and forwards to them from now on.</summary>
    internal void HandOver(LogPublisher targets, bool discardBuffer)
    {
        lock (_lock)
        {
            _forwardTo = targets;
            if (!discardBuffer)
            {
                foreach (var logEvent in _history.Snapshot())
                {
                    targets.Observe(logEvent);
                }
            }
        }
    }
}
