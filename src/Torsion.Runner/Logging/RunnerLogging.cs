using Torsion.Logging;
using Torsion.Runner.Cli;

namespace Torsion.Runner.Logging;

/// <summary>
/// Where torsiond's log goes (-l, --syslog, --log-format, --log-level), begun before the process
/// changes directory so a relative log path means what the user meant. Holds the log file so
/// SIGUSR1 can rotate it and SIGHUP reopen it.
/// </summary>
internal sealed class RunnerLogging : IDisposable
{
    private readonly IDisposable? _resource;

    private RunnerLogging(LogFile? file, IDisposable? resource)
    {
        File = file;
        _resource = resource;
    }

    /// <summary>The log file, when logging to one; null for standard output and syslog.</summary>
    public LogFile? File { get; }

    /// <summary>Opens the destination <paramref name="options"/> name and sends the global log there.</summary>
    public static RunnerLogging Begin(RunnerOptions options)
    {
        GlobalLog.Levels.DefaultLogLevel = options.LogLevel;
        LogFile? file = null;
        IDisposable? resource;
        ILogObserver observer;
        if (options.Syslog)
        {
            var syslog = new SyslogLogObserver(options.SyslogPrefix);
            observer = syslog;
            resource = syslog;
        }
        else
        {
            TextWriter writer;
            if (options.LogFile == "-")
            {
                writer = Console.Out;
                resource = null;
            }
            else
            {
                // twistd's default: rotate at 1,000,000 bytes, keep every rotated file.
                file = Torsion.Logging.LogFile.FromFullPath(options.LogFile, rotateLength: 1_000_000, defaultMode: UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
                writer = file;
                resource = file;
            }
            observer = options.LogFormat == "json" ? new JsonLinesLogObserver(writer) : new TextFileLogObserver(writer);
        }
        GlobalLog.BeginLoggingTo(observer);
        return new RunnerLogging(file, resource);
    }

    /// <summary>SIGUSR1: moves the live file to .1 (older ones up by one) and starts a new one.</summary>
    public void Rotate() => File?.Rotate();

    /// <summary>SIGHUP: closes and reopens the file by name, after logrotate has moved it.</summary>
    public void Reopen() => File?.Reopen();

    /// <inheritdoc />
    public void Dispose() => _resource?.Dispose();
}
