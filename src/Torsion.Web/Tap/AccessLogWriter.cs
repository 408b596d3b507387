using Torsion.Logging;
using Torsion.Web.Server;

namespace Torsion.Web.Tap;

/// <summary>Writes the access log's lines (<see cref="Site.AccessLog"/>'s events) to a text writer, one per line, flushed each time.</summary>
internal sealed class AccessLogWriter : ILogObserver
{
    private readonly TextWriter _writer;
    private readonly Lock _lock = new();

    internal AccessLogWriter(TextWriter writer) => _writer = writer;

    public void Observe(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (logEvent.Namespace != Site.AccessLog.Namespace)
        {
            return;
        }
        var line = logEvent.FormatMessage();
        // Loops of a reactor group may log at once.
        lock (_lock)
        {
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }
    }
}
