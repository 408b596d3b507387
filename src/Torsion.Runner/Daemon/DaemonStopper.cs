using System.Runtime.InteropServices;

namespace Torsion.Runner.Daemon;

/// <summary>
/// <c>torsiond stop</c>: SIGTERM to the daemon named by a pid file, then wait until the process is
/// gone. The wait uses a pidfd (Linux 5.3+), which becomes readable when the process exits, so
/// nothing polls; where pidfds are missing it falls back to checking with kill(pid, 0).
/// </summary>
internal static unsafe class DaemonStopper
{
    private const long SysPidfdOpen = 434;
    private const short PollIn = 0x001;

    /// <summary>Stops the daemon of <paramref name="pidFilePath"/>, waiting at most <paramref name="timeout"/> seconds. Returns the exit status.</summary>
    public static int Stop(string pidFilePath, double timeout, TextWriter output, TextWriter error)
    {
        var pidFile = new PidFile(pidFilePath);
        (PidFile.State state, int pid) found;
        try
        {
            found = pidFile.Inspect();
        }
        catch (RunnerException e)
        {
            error.WriteLine($"torsiond: {e.Message}");
            return 1;
        }
        switch (found.state)
        {
            case PidFile.State.Missing:
                error.WriteLine($"torsiond: no pid file {pidFilePath}: is torsiond running there?");
                return 1;
            case PidFile.State.Stale:
                File.Delete(pidFilePath);
                output.WriteLine($"torsiond is not running (removed the stale pid file {pidFilePath}, pid {found.pid}).");
                return 0;
        }
        var pid = found.pid;
        // Opened before the signal, so the pid cannot be reused between the two.
        var pidfd = (int)RunnerLibC.syscall(SysPidfdOpen, pid, 0);
        try
        {
            if (RunnerLibC.kill(pid, RunnerLibC.SIGTERM) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != RunnerLibC.ESRCH)
                {
                    error.WriteLine($"torsiond: cannot signal pid {pid}: {RunnerLibC.StrError(errno)}");
                    return 1;
                }
            }
            if (!WaitForExit(pid, pidfd, timeout))
            {
                error.WriteLine($"torsiond: pid {pid} is still running {timeout} s after SIGTERM.");
                return 1;
            }
        }
        finally
        {
            if (pidfd >= 0)
            {
                RunnerLibC.close(pidfd);
            }
        }
        output.WriteLine($"torsiond (pid {pid}) stopped.");
        return 0;
    }

    private static bool WaitForExit(int pid, int pidfd, double timeout)
    {
        var deadline = Environment.TickCount64 + (long)(timeout * 1000);
        if (pidfd >= 0)
        {
            var fds = new RunnerLibC.PollFd { Fd = pidfd, Events = PollIn };
            while (true)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return false;
                }
                var n = RunnerLibC.poll(&fds, 1, (int)Math.Min(left, int.MaxValue));
                if (n > 0)
                {
                    return true;
                }
                if (n < 0 && Marshal.GetLastPInvokeError() != 4 /* EINTR */)
                {
                    break;
                }
            }
        }
        // No pidfd: the process is not our child, so all we can do is look again now and then.
        while (Environment.TickCount64 < deadline)
        {
            if (RunnerLibC.kill(pid, 0) != 0 && Marshal.GetLastPInvokeError() == RunnerLibC.ESRCH)
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }
}
