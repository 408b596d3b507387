using System.Collections.Concurrent;
using Torsion.Logging;

namespace Torsion.Tests.Logging;

/// <summary>An observer that records every event it sees, safe from many threads.</summary>
internal sealed class EventCollector : ILogObserver
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public int Count => _events.Count;

    public void Observe(LogEvent logEvent) => _events.Enqueue(logEvent);
}
