using Torsion.Runner.Cli;
using Torsion.Runner.Daemon;
using Torsion.Runner.Plugins;
using Torsion.Runner.Sources;
using Torsion.Logging;

namespace Torsion.Runner;

/// <summary>The <c>torsiond</c> entry point.</summary>
internal static class Program
{
    /// <summary>Runs torsiond with <paramref name="args"/> and returns the process exit status.</summary>
    public static int Main(string[] args)
    {
        // First, before anything opens the console: in the daemon this detaches from the terminal.
        var status = StatusReporter.FromEnvironment();
        var catalog = PluginCatalog.Discover();
        var commandLine = new RunnerCommandLine(catalog.Plugins.Select(PluginCommand.Build));
        return commandLine.Execute(
            args,
            options =>
            {
                if (!options.NoDaemon && !status.IsDaemon)
                {
                    return Launch(options, args);
                }
                var log = Logger.For(typeof(Program));
                foreach (var warning in catalog.Warnings)
                {
                    log.Warn("{warning}", ("warning", warning));
                }
                IApplicationSource source;
                try
                {
                    source = ApplicationSources.For(options, catalog);
                }
                catch (RunnerException e)
                {
                    // Before logging has begun: a foreground user reads it here, a daemon's parent from the pipe.
                    status.ReportFailure(e.Message);
                    Console.Error.WriteLine($"torsiond: {e.Message}");
                    return 1;
                }
                return new ApplicationRunner(options, source, status, Console.Error).Run();
            },
            (pidFile, timeout) => DaemonStopper.Stop(pidFile, timeout, Console.Out, Console.Error),
            Console.Out,
            Console.Error);
    }

    private static int Launch(RunnerOptions options, string[] args)
    {
        try
        {
            // Refuse here, in the terminal, rather than after the daemon has detached.
            if (options.PidFile is { } path && new PidFile(path).Inspect() is (PidFile.State.Live, var pid))
            {
                Console.Error.WriteLine($"torsiond: another torsiond is running (pid {pid}, pid file {path}).");
                return 1;
            }
            return DaemonLauncher.Launch(args, Console.Error);
        }
        catch (RunnerException e)
        {
            Console.Error.WriteLine($"torsiond: {e.Message}");
            return 1;
        }
    }
}
