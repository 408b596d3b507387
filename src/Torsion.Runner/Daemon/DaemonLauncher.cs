using System.Diagnostics;
using System.IO.Pipes;
using System.Reflection;

namespace Torsion.Runner.Daemon;

/// <summary>
/// The parent half of daemonizing without fork(): starts this same program again as the daemon, with
/// the write end of a pipe, and waits until the daemon reports that the application is serving (exit
/// 0) or why it is not (print it, exit 1). A daemon that dies before reporting closes the pipe, which
/// reads as a failure too, so "started" is never said of a daemon that is not running.
/// </summary>
internal static class DaemonLauncher
{
    /// <summary>The variable that tells the re-executed program it is the daemon and where to report.</summary>
    internal const string StatusVariable = "TORSIOND_STATUS_FD";

    /// <summary>Starts the daemon with <paramref name="args"/> and returns the exit status for the parent.</summary>
    public static int Launch(string[] args, TextWriter error)
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        var start = new ProcessStartInfo { UseShellExecute = false };
        var host = Environment.ProcessPath ?? throw new RunnerException("cannot tell which program to start as the daemon.");
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            // Run as `dotnet torsiond.dll`: the daemon needs the same assembly argument.
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment[StatusVariable] = pipe.GetClientHandleAsString();
        Process child;
        try
        {
            child = Process.Start(start) ?? throw new RunnerException("could not start the daemon process.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RunnerException($"could not start the daemon process: {e.Message}", e);
        }
        // Our copy of the write end must go, or the pipe never reads end-of-file when the daemon dies.
        pipe.DisposeLocalCopyOfClientHandle();
        using var reader = new StreamReader(pipe);
        var first = reader.ReadLine();
        if (first == StatusReporter.Ready)
        {
            return 0;
        }
        var detail = first == StatusReporter.Failed ? reader.ReadToEnd().TrimEnd() : null;
        if (string.IsNullOrEmpty(detail))
        {
            child.WaitForExit(5000);
            detail = child.HasExited
                ? $"the daemon exited with status {child.ExitCode} before it was ready; see its log."
                : "the daemon stopped reporting before it was ready; see its log.";
        }
        error.WriteLine($"torsiond: {detail}");
        return 1;
    }
}
