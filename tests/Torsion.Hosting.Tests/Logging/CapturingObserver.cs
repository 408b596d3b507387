using System.Collections.Concurrent;
using Torsion.Logging;

namespace Torsion.Hosting.Tests.Logging;

/// <summary>Keeps the Torsion events of one namespace prefix.</summary>
public sealed class CapturingObserver(string prefix) : ILogObserver
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public void Observe(LogEvent logEvent)
    {
        if (logEvent.Namespace.StartsWith(prefix, StringComparison.Ordinal))
        {
            _events.Enqueue(logEvent);
        }
    }
}
