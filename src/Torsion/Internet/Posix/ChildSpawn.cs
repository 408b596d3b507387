using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// Starts a child with glibc's posix_spawn (vfork-like, and it reports a failed exec as an error number, so
/// a missing program throws here instead of surfacing as exit code 127), reaps it with waitpid on its own pid
/// only, signals it, and looks programs up on a PATH. The child gets exactly the descriptors it is given: each
/// source is dup'ed onto its target (first above every source and target when a source is also a target, so
/// it is not clobbered); unmapped numbers below the highest target are closed and closefrom closes everything
/// above it. Every signal is reset to its default disposition (the runtime
/// ignores SIGPIPE, and an ignored disposition would survive exec) and the signal mask is emptied.
/// </summary>
internal static unsafe class ChildSpawn
{
    private const short POSIX_SPAWN_SETSIGDEF = 0x04;
    private const short POSIX_SPAWN_SETSIGMASK = 0x08;
    private const short POSIX_SPAWN_SETSID = 0x80;
    private const int O_RDWR = 2;
    private const int WNOHANG = 1;
    private const int X_OK = 1;
    private const int ESRCH = 3;
    private const int ENOSYS = 38;
    private const long SYS_pidfd_open = 434;
    // Generous for glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and sigset_t (128).
    private const int ActionsSize = 512;
    private const int AttributesSize = 1024;
    private const int SignalSetSize = 256;
    private static volatile bool _noPidFd;

    /// <summary>
    /// Spawns <paramref name="program"/> (a path) with <paramref name="argv"/> and <paramref name="environment"/>
    /// (passed as <c>NAME=value</c> entries). <paramref name="mappings"/> are (parent descriptor, child descriptor) pairs.
    /// With <paramref name="terminal"/>, the child starts a new session and opens that pseudo-terminal slave as
    /// descriptor 0 (making it its controlling terminal), duplicated to 1 and 2. Returns the pid.
    /// </summary>
    /// <exception cref="Win32Exception">posix_spawn failed (the exec included); the message names the program.</exception>
    internal static int Spawn(string program, IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> environment,
        string? directory, IReadOnlyList<(int Source, int Target)> mappings, string? terminal)
    {
        // The three blocks glibc fills in, as one allocation (zeroed: glibc's init expects nothing, but a
        // destroy after a failed init must see no stray pointers).
        var scratch = (byte*)NativeMemory.AllocZeroed(ActionsSize + AttributesSize + SignalSetSize);
        var actions = scratch;
        var attributes = scratch + ActionsSize;
        var signals = attributes + AttributesSize;
        var nativeArgv = NativeStringArray.FromStrings(argv);
        var nativeEnvp = NativeStringArray.FromVariables(environment);
        ProcessLibC.FileActionsInit(actions);
        ProcessLibC.AttrInit(attributes);
        try
        {
            var maxTarget = terminal is null ? -1 : 2;
            var high = maxTarget;
            for (var i = 0; i < mappings.Count; i++)
            {
                maxTarget = Math.Max(maxTarget, mappings[i].Target);
                high = Math.Max(high, Math.Max(mappings[i].Source, mappings[i].Target));
            }
            // When no source is also a target (the usual case: fresh pipes above 0, 1 and 2), each source goes
            // straight onto its target; otherwise through a copy above everything, so none is clobbered first.
            // (Each file action also costs a getrlimit in glibc, which checks the numbers against the limit.)
            if (AnySourceIsATarget(mappings, terminal is not null))
            {
                for (var i = 0; i < mappings.Count; i++)
                {
                    Check(ProcessLibC.FileActionsAddDup2(actions, mappings[i].Source, high + 1 + i), "adddup2", program);
                }
                for (var i = 0; i < mappings.Count; i++)
                {
                    Check(ProcessLibC.FileActionsAddDup2(actions, high + 1 + i, mappings[i].Target), "adddup2", program);
                }
            }
            else
            {
                for (var i = 0; i < mappings.Count; i++)
                {
                    Check(ProcessLibC.FileActionsAddDup2(actions, mappings[i].Source, mappings[i].Target), "adddup2", program);
                }
            }
            if (terminal is not null)
            {
                Check(ProcessLibC.FileActionsAddOpen(actions, 0, terminal, O_RDWR, 0), "addopen", program);
                Check(ProcessLibC.FileActionsAddDup2(actions, 0, 1), "adddup2", program);
                Check(ProcessLibC.FileActionsAddDup2(actions, 0, 2), "adddup2", program);
            }
            for (var fd = 0; fd < maxTarget; fd++)
            {
                if (!IsTarget(fd, mappings, terminal is not null))
                {
                    Check(ProcessLibC.FileActionsAddClose(actions, fd), "addclose", program);
                }
            }
            Check(ProcessLibC.FileActionsAddCloseFrom(actions, maxTarget + 1), "addclosefrom_np", program);
            if (directory is not null)
            {
                Check(ProcessLibC.FileActionsAddChdir(actions, directory), "addchdir_np", program);
            }
            var flags = (short)(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (terminal is not null ? POSIX_SPAWN_SETSID : 0));
            Check(ProcessLibC.AttrSetFlags(attributes, flags), "setflags", program);
            ProcessLibC.SigEmptySet(signals);
            Check(ProcessLibC.AttrSetSigMask(attributes, signals), "setsigmask", program);
            // Every signal, not only those the parent ignores (the only dispositions that would survive exec):
            // glibc's child (2.36) visits every signal anyway, and for a signal outside this set it reads the
            // disposition and then writes it, two rt_sigaction calls where this costs one (64 against ~121,
            // measured with strace).
            ProcessLibC.SigFillSet(signals);
            Check(ProcessLibC.AttrSetSigDefault(attributes, signals), "setsigdefault", program);
            int pid;
            var rc = ProcessLibC.PosixSpawn(&pid, program, actions, attributes, nativeArgv, nativeEnvp);
            if (rc != 0)
            {
                var where = directory is null ? "" : $" in {directory}";
                throw new Win32Exception(rc, $"Cannot start {program}{where}: {LibC.StrError(rc)} (errno {rc})");
            }
            return pid;
        }
        finally
        {
            ProcessLibC.FileActionsDestroy(actions);
            ProcessLibC.AttrDestroy(attributes);
            NativeMemory.Free(scratch);
            NativeStringArray.Free(nativeArgv);
            NativeStringArray.Free(nativeEnvp);
        }
    }

    private static bool IsTarget(int fd, IReadOnlyList<(int Source, int Target)> mappings, bool terminal)
    {
        if (terminal && fd <= 2)
        {
            return true;
        }
        for (var i = 0; i < mappings.Count; i++)
        {
            if (mappings[i].Target == fd)
            {
                return true;
            }
        }
        return false;
    }

    // Whether one mapping's dup2 would clobber another's source: a source that is some other mapping's target
    // (or the terminal's 0-2). A descriptor kept at its own number (Inherit(1) as 1) clobbers nothing, and
    // glibc's dup2 action onto itself clears close-on-exec, as it must.
    private static bool AnySourceIsATarget(IReadOnlyList<(int Source, int Target)> mappings, bool terminal)
    {
        for (var i = 0; i < mappings.Count; i++)
        {
            var source = mappings[i].Source;
            if (terminal && source <= 2)
            {
                return true;
            }
            for (var j = 0; j < mappings.Count; j++)
            {
                if (j != i && mappings[j].Target == source)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static void Check(int rc, string what, string program)
    {
        if (rc != 0)
        {
            throw new Win32Exception(rc, $"Cannot start {program}: posix_spawn {what}: {LibC.StrError(rc)} (errno {rc})");
        }
    }

    /// <summary>
    /// waitpid(<paramref name="pid"/>, WNOHANG): true with the raw wait status once the child has exited
    /// (and is reaped); false while it runs. A pid someone else reaped (ECHILD) counts as exited, status -1.
    /// </summary>
    internal static bool TryReap(int pid, out int status)
    {
        int s;
        while (true)
        {
            var rc = ProcessLibC.WaitPid(pid, &s, WNOHANG);
            if (rc == pid)
            {
                status = s;
                return true;
            }
            if (rc == 0)
            {
                status = 0;
                return false;
            }
            if (LibC.LastErrno == Errno.EINTR)
            {
                continue;
            }
            // ECHILD: not (or no longer) our child to wait for; there is nothing to wait for any more.
            status = -1;
            return true;
        }
    }

    /// <summary>
    /// pidfd_open(2) (Linux 5.3+): a close-on-exec descriptor for <paramref name="pid"/> that polls readable once
    /// the child has exited, or -errno. After one ENOSYS (an older kernel, or a seccomp filter that refuses the
    /// call) it answers -ENOSYS without asking again.
    /// </summary>
    internal static int OpenPidFd(int pid)
    {
        if (_noPidFd)
        {
            return -ENOSYS;
        }
        var fd = ProcessLibC.Syscall(SYS_pidfd_open, pid, 0);
        if (fd >= 0)
        {
            return (int)fd;
        }
        var errno = LibC.LastErrno;
        if (errno is ENOSYS or Errno.EPERM)
        {
            _noPidFd = true;
        }
        return -errno;
    }

    /// <summary>kill(2); false when no such process exists any more.</summary>
    internal static bool Signal(int pid, int signal)
    {
        if (LibC.Kill(pid, signal) == 0)
        {
            return true;
        }
        var errno = LibC.LastErrno;
        if (errno == ESRCH)
        {
            return false;
        }
        throw new SystemCallException("kill", errno);
    }

    /// <summary>The first executable <paramref name="name"/> in the directories of <paramref name="path"/> (a PATH value), or null.</summary>
    internal static string? FindProgram(string name, string? path)
    {
        foreach (var dir in (path ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (ProcessLibC.Access(candidate, X_OK) == 0 && !Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Opens a pseudo-terminal: the master (close-on-exec, read-write) and the slave's path.</summary>
    internal static (int Master, string Slave) OpenTerminal()
    {
        var master = ProcessLibC.PosixOpenPt(O_RDWR | 0x100 /* O_NOCTTY */ | 0x80000 /* O_CLOEXEC */);
        if (master < 0)
        {
            throw new SystemCallException("posix_openpt", LibC.LastErrno);
        }
        try
        {
            if (ProcessLibC.GrantPt(master) < 0)
            {
                throw new SystemCallException("grantpt", LibC.LastErrno);
            }
            if (ProcessLibC.UnlockPt(master) < 0)
            {
                throw new SystemCallException("unlockpt", LibC.LastErrno);
            }
            var buffer = stackalloc byte[256];
            var rc = ProcessLibC.PtsNameR(master, buffer, 256);
            if (rc != 0)
            {
                throw new SystemCallException("ptsname_r", rc);
            }
            return (master, Marshal.PtrToStringUTF8((nint)buffer)!);
        }
        catch
        {
            LibC.Close(master);
            throw;
        }
    }
}
