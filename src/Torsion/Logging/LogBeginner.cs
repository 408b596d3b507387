namespace Torsion.Logging;

/// <summary>
/// Starts logging for a process (Twisted's <c>LogBeginner</c>; the global one is
/// <see cref="GlobalLog.Beginner"/>). Until <see cref="BeginLoggingTo(ILogObserver[])"/> is called,
/// events reaching the publisher are kept in a bounded buffer (the most recent
/// <c>bufferSize</c> events) and those at <see cref="LogLevel.Error"/> or above are also written to
/// standard error at once. Beginning replays the buffer to the chosen observers, so messages logged
/// while the program was still reading its configuration are not lost.
/// </summary>
/// <remarks>
/// If logging never begins, nothing but errors and critical events is ever printed, and the buffer
/// costs at most <c>bufferSize</c> events of memory. An error logged before logging began appears
/// twice: on standard error when it happened, and in the replay.
/// </remarks>
public sealed class LogBeginner
{
    private readonly Lock _lock = new();
    private readonly LogPublisher _publisher;
    private readonly StartupObserver _startup;
    private bool _begun;

    /// <summary>Buffers <paramref name="publisher"/>'s events until logging begins.</summary>
    /// <param name="publisher">The publisher whose events are buffered and later sent to the chosen observers.</param>
    /// <param name="errorStream">Where early errors are echoed; <see cref="Console.Error"/> if <c>null</c>.</param>
    /// <param name="bufferSize">How many early events to keep for replay.</param>
    public LogBeginner(LogPublisher publisher, TextWriter? errorStream = null, int bufferSize = 200)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        _publisher = publisher;
        _startup = new StartupObserver(bufferSize, new TextFileLogObserver(errorStream ?? Console.Error));
        publisher.AddObserver(_startup);
    }

    /// <summary>True once <see cref="BeginLoggingTo(ILogObserver[])"/> has been called.</summary>
    public bool HasBegun
    {
        get
        {
            lock (_lock)
            {
                return _begun;
            }
        }
    }

    /// <summary>Adds <paramref name="observers"/> to the publisher and replays the buffered events to them.</summary>
    public void BeginLoggingTo(params ILogObserver[] observers) => BeginLoggingTo(observers, discardBuffer: false);

    /// <summary>
    /// Adds <paramref name="observers"/> to the publisher. The first call replays the buffered events
    /// to them (unless <paramref name="discardBuffer"/>) and stops the echo to standard error. A
    /// later call only adds its observers, and logs a warning, since the buffer has been replayed
    /// to the first ones already.
    /// </summary>
    public void BeginLoggingTo(IEnumerable<ILogObserver> observers, bool discardBuffer)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ILogObserver[] chosen = [.. observers];
        lock (_lock)
        {
            if (_begun)
            {
                foreach (var observer in chosen)
                {
                    _publisher.AddObserver(observer);
                }
                new Logger(typeof(LogBeginner).FullName!, _publisher).Warn(
                    "BeginLoggingTo was called again, adding {count} observer(s); early events were replayed only to the first ones",
                    ("count", chosen.Length));
                return;
            }
            _begun = true;
            // Replay first, then swap: events racing the swap are forwarded by the startup
            // observer, which keeps them after the replayed ones and delivers each exactly once.
            _startup.HandOver(new LogPublisher(chosen), discardBuffer);
            _publisher.ReplaceObserver(_startup, chosen);
        }
    }
}
