using System.Runtime.InteropServices;

namespace Torsion.Runner.Daemon;

/// <summary>
/// The few libc calls a Unix daemon needs that .NET does not wrap: sessions, identities, chroot,
/// umask, signals to other processes and syslog. Kept in one file so the unsafe surface is visible.
/// </summary>
internal static unsafe partial class RunnerLibC
{
    internal const int ESRCH = 3;
    internal const int EPERM = 1;
    internal const int ENOSYS = 38;
    internal const int SIGTERM = 15;
    internal const int SIGKILL = 9;
    internal const int SIGHUP = 1;
    internal const int SIGUSR1 = 10;
    internal const int O_RDWR = 2;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setsid();

    [LibraryImport("libc")]
    internal static partial int getpid();

    [LibraryImport("libc")]
    internal static partial uint getuid();

    [LibraryImport("libc")]
    internal static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    internal static partial uint umask(uint mask);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int chroot(string path);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int seteuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setegid(uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int initgroups(string user, uint gid);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setgroups(nuint size, uint* list);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    internal const int O_CLOEXEC = 0x80000;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_PATH = 0x200000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int unlinkat(int directoryFd, string name, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int dup3(int oldFd, int newFd, int flags);

    internal const int F_GETFD = 1;
    internal const int FD_CLOEXEC = 1;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fcntl(int fd, int command);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial long syscall(long number, int a, uint b);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial Passwd* getpwnam(string name);

    [LibraryImport("libc")]
    internal static partial Passwd* getpwuid(uint uid);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial Group* getgrnam(string name);

    [LibraryImport("libc")]
    internal static partial Group* getgrgid(uint gid);

    [LibraryImport("libc")]
    internal static partial void openlog(nint ident, int option, int facility);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void syslog(int priority, string format, string message);

    [LibraryImport("libc")]
    internal static partial void closelog();

    internal static string StrError(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>struct passwd from glibc's pwd.h (x86-64 and arm64 share this layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Dir;
        public byte* Shell;
    }

    /// <summary>struct group from glibc's grp.h.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint Gid;
        public byte** Members;
    }

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
