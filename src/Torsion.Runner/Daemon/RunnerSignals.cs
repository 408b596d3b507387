using System.Runtime.InteropServices;
using Torsion.Internet;
using Torsion.Runner.Logging;
using Torsion.Logging;

namespace Torsion.Runner.Daemon;

/// <summary>
/// torsiond's signals: SIGTERM and SIGINT stop gracefully (a second one drops connections at once),
/// SIGUSR1 rotates the log file, SIGHUP reopens it for logrotate. The handlers run on the runtime's
/// signal thread and hand the work to the loop, except log file calls, which are thread-safe.
/// </summary>
internal sealed class RunnerSignals : IDisposable
{
    private static readonly Logger Log = Logger.For<RunnerSignals>();

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly IReactor _reactor;
    private readonly GracefulShutdown _shutdown;
    private readonly RunnerLogging _logging;
    private int _stopSignals;

    private RunnerSignals(IReactor reactor, GracefulShutdown shutdown, RunnerLogging logging)
    {
        _reactor = reactor;
        _shutdown = shutdown;
        _logging = logging;
    }

    /// <summary>The first stop signal received, if any.</summary>
    public int? StopSignal { get; private set; }

    /// <summary>Installs the handlers; disposing removes them.</summary>
    public static RunnerSignals Install(IReactor reactor, GracefulShutdown shutdown, RunnerLogging logging)
    {
        var s = new RunnerSignals(reactor, shutdown, logging);
        s.Add(PosixSignal.SIGTERM, s.OnStop);
        s.Add(PosixSignal.SIGINT, s.OnStop);
        // Raw numbers: PosixSignal names only the portable signals, and the runtime accepts others cast.
        s.Add((PosixSignal)RunnerLibC.SIGUSR1, s.OnRotate);
        s.Add(PosixSignal.SIGHUP, s.OnReopen);
        return s;
    }

    private void Add(PosixSignal signal, Action<PosixSignalContext> handler) =>
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            // Handled here: the runtime's default (terminate the process) must not follow.
            context.Cancel = true;
            handler(context);
        }));

    private void OnStop(PosixSignalContext context)
    {
        var number = context.Signal == PosixSignal.SIGINT ? 2 : 15;
        var count = Interlocked.Increment(ref _stopSignals);
        _reactor.CallFromThread(() =>
        {
            if (count == 1)
            {
                StopSignal = number;
                Log.Info("Received {signal}, shutting down", ("signal", number == 2 ? "SIGINT" : "SIGTERM"));
                if (_reactor.Running)
                {
                    _reactor.Stop();
                }
            }
            else
            {
                _shutdown.Hurry();
            }
        });
    }

    private void OnRotate(PosixSignalContext context) => OnLogFile(_logging.Rotate, "rotate", "rotated on SIGUSR1");

    private void OnReopen(PosixSignalContext context) => OnLogFile(_logging.Reopen, "reopen", "reopened on SIGHUP");

    // Log file work is thread-safe (the file locks around each write), so it runs on the signal thread.
    private void OnLogFile(Action action, string verb, string done)
    {
        if (_logging.File is null)
        {
            return;
        }
        try
        {
            action();
            Log.Info("Log file {done}", ("done", done));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error("Could not {verb} the log file: {error}", ("verb", verb), ("error", e.Message));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }
        _registrations.Clear();
    }
}
