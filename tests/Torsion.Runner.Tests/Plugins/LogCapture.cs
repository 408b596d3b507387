using System.Collections.Concurrent;
using Torsion.Logging;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>Records what reaches the global log while it lives (used by tests in the <see cref="IsolatedPluginTests"/> collection, so other tests' events do not mix in).</summary>
internal sealed class LogCapture : ILogObserver, IDisposable
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public LogCapture() => GlobalLog.Publisher.AddObserver(this);

    public void Observe(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The events at <paramref name="level"/> or above, formatted with their failures, for an assertion message.</summary>
    public IReadOnlyList<string> AtLeast(LogLevel level) =>
        [.. _events.Where(e => e.Level >= level).Select(e => $"{e}{(e.Failure is { } f ? Environment.NewLine + f.GetTraceback() : "")}")];

    public void Dispose() => GlobalLog.Publisher.RemoveObserver(this);
}
