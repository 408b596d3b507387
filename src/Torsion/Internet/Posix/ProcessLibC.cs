using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// The libc calls behind pipes, child processes and pseudo-terminals (glibc), as source-generated P/Invoke:
/// the posix_spawn family, waitpid, fstat, writev and the pty calls. Apart from <see cref="LibC"/> only so
/// that file stays about sockets. posix_spawn and its helpers return an errno instead of setting it.
/// </summary>
internal static unsafe partial class ProcessLibC
{
    private const string Lib = "libc";

    [LibraryImport(Lib, EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int PosixSpawn(int* pid, string path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addclose")]
    internal static partial int FileActionsAddClose(void* fileActions, int fd);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    internal static partial int FileActionsAddCloseFrom(void* fileActions, int from);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FileActionsAddChdir(void* fileActions, string path);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FileActionsAddOpen(void* fileActions, int fd, string path, int flags, int mode);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_init")]
    internal static partial int AttrInit(void* attributes);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int AttrDestroy(void* attributes);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static partial int AttrSetSigMask(void* attributes, void* sigset);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static partial int AttrSetSigDefault(void* attributes, void* sigset);

    [LibraryImport(Lib, EntryPoint = "sigemptyset")]
    internal static partial int SigEmptySet(void* sigset);

    [LibraryImport(Lib, EntryPoint = "sigfillset")]
    internal static partial int SigFillSet(void* sigset);

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, int* status, int options);

    // pidfd_open through syscall(2): glibc has a wrapper only from 2.36. The number is the same (434) on
    // x86-64 and arm64, the two platforms Torsion runs on, and integer arguments to the variadic syscall
    // are passed as for a plain call there.
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall(long number, int pid, uint flags);

    [LibraryImport(Lib, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int FStat(int fd, byte* statBuffer);

    [LibraryImport(Lib, EntryPoint = "writev", SetLastError = true)]
    internal static partial nint WriteV(int fd, IoVec* iov, int count);

    [LibraryImport(Lib, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Access(string path, int mode);

    [LibraryImport(Lib, EntryPoint = "posix_openpt", SetLastError = true)]
    internal static partial int PosixOpenPt(int flags);

    [LibraryImport(Lib, EntryPoint = "grantpt", SetLastError = true)]
    internal static partial int GrantPt(int fd);

    [LibraryImport(Lib, EntryPoint = "unlockpt", SetLastError = true)]
    internal static partial int UnlockPt(int fd);

    [LibraryImport(Lib, EntryPoint = "ptsname_r")]
    internal static partial int PtsNameR(int fd, byte* buffer, nuint length);
}
