using Torsion.Services;
using Torsion.Internet;
using Torsion.Runner.Cli;
using Torsion.Runner.Daemon;
using Torsion.Runner.Logging;
using Torsion.Runner.Persistence;
using Torsion.Runner.Sources;
using Torsion.Logging;

namespace Torsion.Runner;

/// <summary>
/// One run of an application, in the foreground (-n) or as the daemon the parent re-executed:
/// twistd's start sequence, step by step, with every failure reported once (to the terminal with
/// -n, through the status pipe when daemonized) and the pid file released on every way out.
/// </summary>
internal sealed class ApplicationRunner(RunnerOptions options, IApplicationSource source, StatusReporter status, TextWriter error)
{
    private static readonly Logger Log = Logger.For<ApplicationRunner>();

    // 1, or the status a RunnerException asks for (2 for a plugin's option error).
    private int _failureStatus = 1;

    /// <summary>Runs until the reactor stops; returns the exit status.</summary>
    /// <remarks>
    /// A failure is reported only after the pid file is gone: the parent of a daemon exits as soon as
    /// it hears, and whoever it returns to may look for the pid file at once.
    /// </remarks>
    public int Run() => RunToEnd() is { } failure ? Fail(failure) : 0;

    /// <summary>The run itself, with everything released; null when it ended well, else what went wrong.</summary>
    private string? RunToEnd()
    {
        RunnerLogging? logging = null;
        PidFile? pidFile = null;
        var systemd = SystemdNotifier.FromEnvironment();
        try
        {
            logging = RunnerLogging.Begin(options);
            // Read (and removed from the environment) before the application can start a child.
            var watchdog = SystemdWatchdog.FromEnvironment(systemd);
            if (options.PidFile is { } pidPath)
            {
                pidFile = new PidFile(pidPath);
                if (pidFile.Claim() is { } stale)
                {
                    Log.Info("Removed the stale pid file {path} (pid {pid} is not running)", ("path", pidPath), ("pid", stale));
                }
            }
            IReactor reactor;
            Func<int> openConnections;
            Action run;
            if (options.Loops > 1)
            {
                var group = Reactors.InstallGroup(options.Reactor, options.Loops);
                (reactor, openConnections, run) = (group, () => group.OpenConnections, () => group.Run(installSignalHandlers: false));
            }
            else
            {
                var single = (ReactorBase)Reactors.Install(options.Reactor);
                (reactor, openConnections, run) = (single, () => single.OpenConnections, () => single.Run(installSignalHandlers: false));
            }
            Log.Info("torsiond starting {source} on the {reactor} reactor{loops}, pid {pid}", ("source", source.Description), ("reactor", reactor.Name), ("loops", options.Loops > 1 ? $" ({options.Loops} loops)" : ""), ("pid", Environment.ProcessId));
            // Built before changing directory, as twistd does: a relative path in a plugin's
            // arguments means what it meant where the user typed it.
            var application = source.Build(reactor);
            Directory.SetCurrentDirectory(options.RunDirectory);
            if (options.Umask is { } mask)
            {
                RunnerLibC.umask(mask);
            }
            // Ports below 1024 and root-only files are opened here, before root is given up.
            application.PrivilegedStartService();
            if (options.Chroot is { } root)
            {
                Privileges.Chroot(root);
            }
            var app = application as Application;
            var uid = options.Uid ?? ToUnsigned(app?.Uid);
            var gid = options.Gid ?? ToUnsigned(app?.Gid);
            Privileges.Switch(uid, gid, options.Uid is null ? null : options.UserName, options.EffectiveOnly);

            var shutdown = new GracefulShutdown(reactor, openConnections, application, options.ShutdownTimeout, systemd);
            // Added before the drain's trigger, so systemd hears STOPPING=1 before the first "Draining" status.
            reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => systemd.Notify("STOPPING=1\nSTATUS=Stopping"));
            shutdown.Install();
            using var signals = RunnerSignals.Install(reactor, shutdown, logging);
            string? startFailure = null;
            reactor.CallWhenRunning(() =>
            {
                try
                {
                    application.StartService();
                }
                catch (Exception e)
                {
                    startFailure = Describe(e);
                    systemd.Status("Failed to start: " + startFailure);
                    Log.Failure("The application failed to start", e);
                    reactor.Stop();
                    return;
                }
                Log.Info("Started; serving as pid {pid}", ("pid", Environment.ProcessId));
                status.ReportReady();
                systemd.Notify($"READY=1\nMAINPID={Environment.ProcessId}\nSTATUS={ServingStatus.Describe(application, source.Description).ReplaceLineEndings(" ")}");
                watchdog?.Start(reactor);
            });
            run();
            if (startFailure is not null)
            {
                return startFailure;
            }
            Save(application);
            systemd.Status("Stopped");
            Log.Info("Stopped");
            return null;
        }
        catch (Exception e)
        {
            if (e is RunnerException runnerException)
            {
                _failureStatus = runnerException.ExitStatus;
                // The user's mistake, said plainly; the log keeps it too, for a daemon's later reader.
                Log.Error("torsiond could not start: {error}", ("error", e.Message));
            }
            else
            {
                Log.Failure("torsiond could not start the application", e);
            }
            systemd.Status("Failed to start: " + Describe(e));
            return Describe(e);
        }
        finally
        {
            pidFile?.Release();
            logging?.Dispose();
        }
    }

    private int Fail(string message)
    {
        if (status.IsDaemon)
        {
            status.ReportFailure(message);
        }
        else
        {
            error.WriteLine($"torsiond: {message}");
        }
        return _failureStatus;
    }

    private void Save(IService application)
    {
        if (!options.Persistable || source.Snapshot(application) is not { } document)
        {
            return;
        }
        var path = Path.GetFullPath(TapFile.FileNameFor(document.Application));
        try
        {
            TapFile.Save(document, path);
            Log.Info("Saved the application to {path}", ("path", path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error("Could not save the application to {path}: {error}", ("path", path), ("error", e.Message));
        }
    }

    private static string Describe(Exception e) => e switch
    {
        RunnerException => e.Message,
        _ when e.Message.Length > 0 => e.Message,
        _ => e.GetType().Name,
    };

    private static uint? ToUnsigned(int? id) => id is { } v && v >= 0 ? (uint)v : null;
}
