using Torsion.Defer;
using Torsion.Logging;
using Torsion.Services;

namespace Torsion.Web.Tap;

/// <summary>
/// <c>--logfile</c>: while running, copies the access log to a file (appended; opened at start, after
/// torsiond has daemonized) or to standard output for "-".
/// </summary>
internal sealed class AccessLogService : Service
{
    private readonly string _path;
    private TextWriter? _writer;
    private AccessLogWriter? _observer;

    /// <param name="path">An absolute path, or "-".</param>
    internal AccessLogService(string path) => _path = path;

    public override void StartService()
    {
        _writer = _path == "-"
            ? Console.Out
            : new StreamWriter(new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete));
        _observer = new AccessLogWriter(_writer);
        GlobalLog.Publisher.AddObserver(_observer);
        base.StartService();
    }

    public override Deferred StopService()
    {
        if (_observer is not null)
        {
            GlobalLog.Publisher.RemoveObserver(_observer);
            _observer = null;
        }
        if (_writer is not null && _path != "-")
        {
            _writer.Dispose();
        }
        _writer = null;
        return base.StopService();
    }
}
