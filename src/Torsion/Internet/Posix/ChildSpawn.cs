using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

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
    private static volatile bool _noPidFd;

    /// <summary>
    /// Spawns <paramref name="program"/> (a path) with <paramref name="argv"/> and <paramref name="envp"/>
    /// (<c>NAME=value</c> strings). <paramref name="mappings"/> are (parent descriptor, child descriptor) pairs.
    /// With <paramref name="terminal"/>, the child starts a new session and opens that pseudo-terminal slave as
    /// descriptor 0 (making it its controlling terminal), duplicated to 1 and 2. Returns the pid.
    /// </summary>
    /// <exception cref="Win32Exception">posix_spawn failed (the exec included); the message names the program.</exception>
    internal static int Spawn(string program, IReadOnlyList<string> argv, IReadOnlyList<string> envp, string? directory,
        IReadOnlyList<(int Source, int Target)> mappings, string? terminal)
    {
        var actions = NativeMemory.AllocZeroed(512);
        var attributes = NativeMemory.AllocZeroed(1024);
        var signals = NativeMemory.AllocZeroed(256);
        var nativeArgv = Strings(argv);
        var nativeEnvp = Strings(envp);
        ProcessLibC.FileActionsInit(actions);
        ProcessLibC.AttrInit(attributes);
        try
        {
            var targets = new HashSet<int>(mappings.Select(m => m.Target));
            if (terminal is not null)
            {
                targets.UnionWith([0, 1, 2]);
            }
            var maxTarget = targets.Count == 0 ? -1 : targets.Max();
            var high = Math.Max(maxTarget, mappings.Count == 0 ? -1 : mappings.Max(m => m.Source));
            // When no source is also a target (the usual case: fresh pipes above 0, 1 and 2), each source goes
            // straight onto its target; otherwise through a copy above everything, so none is clobbered first.
            // (Each file action also costs a getrlimit in glibc, which checks the numbers against the limit.)
            if (mappings.Any(m => targets.Contains(m.Source)))
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
                if (!targets.Contains(fd))
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
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            Free(nativeArgv, argv.Count);
            Free(nativeEnvp, envp.Count);
        }
    }

    private static void Check(int rc, string what, string program)
    {
        if (rc != 0)
        {
            throw new Win32Exception(rc, $"Cannot start {program}: posix_spawn {what}: {LibC.StrError(rc)} (errno {rc})");
        }
    }

    private static byte** Strings(IReadOnlyList<string> strings)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < strings.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(strings[i]);
            var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(p, bytes.Length));
            p[bytes.Length] = 0;
            array[i] = p;
        }
        return array;
    }

    private static void Free(byte** array, int count)
    {
        for (var i = 0; i < count; i++)
        {
            NativeMemory.Free(array[i]);
        }
        NativeMemory.Free(array);
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
