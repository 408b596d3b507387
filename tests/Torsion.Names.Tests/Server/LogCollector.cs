using Torsion.Logging;

namespace Torsion.Names.Tests.Server;

/// <summary>Collects the global log's events while installed, from any thread.</summary>
internal sealed class LogCollector : ILogObserver, IDisposable
{
    private readonly List<LogEvent> _events = [];

    public LogCollector() => GlobalLog.Publisher.AddObserver(this);

    public void Observe(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public List<LogEvent> Events
    {
        get
        {
            lock (_events) return [.. _events];
        }
    }

    public void Dispose() => GlobalLog.Publisher.RemoveObserver(this);
}
