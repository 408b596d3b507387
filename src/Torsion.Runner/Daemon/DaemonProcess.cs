using System.Globalization;

namespace Torsion.Runner.Daemon;

/// <summary>
/// What the re-executed daemon does first: leave the terminal's session, put /dev/null on
/// descriptors 0, 1 and 2, and let go of every other reference to what they were, so no pipe of
/// whoever started torsiond (a shell's `$(...)`, a test, CI) is held open for the daemon's life.
/// </summary>
/// <remarks>
/// "Every other reference" has two kinds: descriptors inherited without close-on-exec, which are
/// closed, and the runtime's own copies of 0, 1 and 2 (CoreCLR duplicates the standard handles at
/// start-up, before any of our code runs), which are pointed at /dev/null too rather than closed, so
/// the runtime never writes into whatever descriptor might later reuse their numbers.
/// </remarks>
internal static class DaemonProcess
{
    /// <summary>Detaches this process; <paramref name="statusFd"/> stays open.</summary>
    public static void Detach(int statusFd)
    {
        // A new session without a terminal: the shell's hangups and job control no longer reach us.
        RunnerLibC.setsid();
        var standard = new HashSet<string>(StringComparer.Ordinal);
        for (var fd = 0; fd <= 2; fd++)
        {
            if (Target(fd) is { } target && target != "/dev/null")
            {
                standard.Add(target);
            }
        }
        var devNull = RunnerLibC.open("/dev/null", RunnerLibC.O_RDWR);
        if (devNull < 0)
        {
            return;
        }
        for (var fd = 0; fd <= 2; fd++)
        {
            RunnerLibC.dup2(devNull, fd);
        }
        Sweep(statusFd, devNull, standard);
        if (devNull > 2)
        {
            RunnerLibC.close(devNull);
        }
    }

    private static string? Target(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Closes descriptors above 2 that lack close-on-exec (the runtime opens everything of its own
    /// with close-on-exec, so those can only have come from the parent), and re-points the runtime's
    /// copies of the old standard streams (<paramref name="standard"/>) at <paramref name="devNull"/>.
    /// </summary>
    private static void Sweep(int keep, int devNull, HashSet<string> standard)
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (IOException)
        {
            return; // No /proc: inherited descriptors stay, as with twistd.
        }
        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd <= 2 || fd == keep || fd == devNull)
            {
                continue;
            }
            var flags = RunnerLibC.fcntl(fd, RunnerLibC.F_GETFD);
            if (flags < 0)
            {
                continue; // the directory listing's own descriptor, closed by now
            }
            if ((flags & RunnerLibC.FD_CLOEXEC) == 0)
            {
                RunnerLibC.close(fd);
            }
            else if (Target(fd) is { } target && standard.Contains(target))
            {
                RunnerLibC.dup3(devNull, fd, RunnerLibC.O_CLOEXEC);
            }
        }
    }
}
