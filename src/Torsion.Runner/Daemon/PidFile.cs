using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Torsion.Runner.Daemon;

/// <summary>
/// The pid file: refuses a second daemon while the first lives, clears one left by a daemon that
/// died (kill -9, power loss), and is removed at exit.
/// </summary>
/// <remarks>
/// A pid alone can be reused by an unrelated process after a crash, so a pid counts as a live
/// torsiond only if the process exists and its command line mentions torsiond. That keeps
/// <c>torsiond stop</c> from signalling a stranger and a reboot's pid reuse from blocking a start.
/// </remarks>
internal sealed class PidFile(string path)
{
    // The directory, held open from Claim on: after --chroot the path no longer reaches the file,
    // but unlinkat through this descriptor still does.
    private int _directoryFd = -1;

    /// <summary>The file's absolute path.</summary>
    public string Path { get; } = path;

    /// <summary>What the file says about a running daemon.</summary>
    internal enum State
    {
        /// <summary>There is no pid file.</summary>
        Missing,

        /// <summary>The pid in the file is a live torsiond.</summary>
        Live,

        /// <summary>The file names a process that is gone or is not torsiond.</summary>
        Stale,
    }

    /// <summary>Reads the file: its state and the pid it holds. Throws <see cref="RunnerException"/> when it cannot be read or holds no pid.</summary>
    public (State State, int Pid) Inspect()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (FileNotFoundException)
        {
            return (State.Missing, 0);
        }
        catch (DirectoryNotFoundException)
        {
            return (State.Missing, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunnerException($"cannot read the pid file {Path}: {e.Message}", e);
        }
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw new RunnerException($"the pid file {Path} does not hold a process id (it says '{Shorten(text)}'); remove it if no torsiond is running.");
        }
        return (IsLiveTorsiond(pid) ? State.Live : State.Stale, pid);
    }

    /// <summary>
    /// Claims the file for this process: fails when a live torsiond holds it, replaces a stale one
    /// (returning its pid so the caller can log the removal), and writes our pid.
    /// </summary>
    public int? Claim()
    {
        var (state, old) = Inspect();
        int? removed = null;
        if (state == State.Live && old != Environment.ProcessId)
        {
            throw new RunnerException($"another torsiond is running (pid {old}, pid file {Path}).");
        }
        if (state != State.Missing)
        {
            File.Delete(Path);
            removed = old == Environment.ProcessId ? null : old;
        }
        try
        {
            // CreateNew: if two starts race past the check, exactly one of them gets the file.
            using var stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        }
        catch (IOException) when (File.Exists(Path))
        {
            throw new RunnerException($"another torsiond is starting (pid file {Path} appeared meanwhile).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunnerException($"cannot write the pid file {Path}: {e.Message}", e);
        }
        _directoryFd = RunnerLibC.open(System.IO.Path.GetDirectoryName(Path)!, RunnerLibC.O_PATH | RunnerLibC.O_DIRECTORY | RunnerLibC.O_CLOEXEC);
        return removed;
    }

    /// <summary>Removes the file if it still holds this process's pid.</summary>
    public void Release()
    {
        var directoryFd = _directoryFd;
        _directoryFd = -1;
        try
        {
            if (directoryFd >= 0 && !Directory.Exists(System.IO.Path.GetDirectoryName(Path)))
            {
                // Chrooted away from it: remove it by name under the directory we kept.
                RunnerLibC.unlinkat(directoryFd, System.IO.Path.GetFileName(Path), 0);
                return;
            }
            var text = File.ReadAllText(Path).Trim();
            if (text == Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            {
                File.Delete(Path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already, or we dropped the privileges it needs: nothing better to do at exit.
        }
        finally
        {
            if (directoryFd >= 0)
            {
                RunnerLibC.close(directoryFd);
            }
        }
    }

    /// <summary>True if <paramref name="pid"/> is alive and is a torsiond (its command line says so).</summary>
    internal static bool IsLiveTorsiond(int pid)
    {
        if (RunnerLibC.kill(pid, 0) != 0 && Marshal.GetLastPInvokeError() == RunnerLibC.ESRCH)
        {
            return false;
        }
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("torsiond", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (or not ours to read): trust kill(2), which said the process exists.
            return true;
        }
    }

    private static string Shorten(string text)
    {
        var line = text.Trim().ReplaceLineEndings(" ");
        return line.Length <= 40 ? line : line[..40] + "...";
    }
}
