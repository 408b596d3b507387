using System.Runtime.InteropServices;
using Torsion.Logging;
using Torsion.Runner.Daemon;

namespace Torsion.Runner.Logging;

/// <summary>
/// Sends each event to the system log through libc's syslog(3), under the identity given by
/// <c>--prefix</c> and the daemon facility, with the event's level mapped to a syslog priority.
/// </summary>
internal sealed class SyslogLogObserver : ILogObserver, IDisposable
{
    private const int LogPid = 0x01;
    private const int LogDaemon = 3 << 3;

    // openlog keeps the pointer it is given, so the identity must outlive every syslog call.
    private readonly nint _identity;

    /// <summary>Opens the system log as <paramref name="prefix"/>.</summary>
    public SyslogLogObserver(string prefix)
    {
        _identity = Marshal.StringToCoTaskMemUTF8(prefix);
        RunnerLibC.openlog(_identity, LogPid, LogDaemon);
    }

    /// <inheritdoc />
    public void Observe(LogEvent logEvent)
    {
        var text = LogFormat.EventAsText(logEvent);
        var priority = logEvent.Level switch
        {
            LogLevel.Debug => 7,
            LogLevel.Info => 6,
            LogLevel.Warn => 4,
            LogLevel.Error => 3,
            _ => 2,
        };
        // One syslog record per line: multi-line failures would otherwise be cut at the first newline.
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0)
            {
                RunnerLibC.syslog(priority, "%s", line);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        RunnerLibC.closelog();
        Marshal.FreeCoTaskMem(_identity);
    }
}
