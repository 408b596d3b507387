using Torsion.Runner.Cli;
using Torsion.Runner.Daemon;

namespace Torsion.Runner;

/// <summary>The <c>torsiond</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs torsiond with <paramref name="args"/> and returns the process exit status.</summary>
    public static int Main(string[] args)
    {
        var status = StatusReporter.FromEnvironment();
        var commandLine = new RunnerCommandLine([]);
        return commandLine.Execute(
            args,
            options =>
            {
                if (!options.NoDaemon && !status.IsDaemon)
                {
                    return Launch(options, args);
                }
                return new ApplicationRunner(options, Sources.For(options), status, Console.Error).Run();
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
