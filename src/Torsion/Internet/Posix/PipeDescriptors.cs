using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// Safe wrappers over the descriptor calls the pipe layer makes: pipe2, fcntl, fstat, read, write and
/// a two-descriptor poll for the threads that serve descriptors a reactor cannot watch. Reads and writes
/// return the count, or the negated errno, so callers branch without touching <see cref="Marshal"/>.
/// </summary>
internal static unsafe class PipeDescriptors
{
    private const int O_CLOEXEC = 0x80000;
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int F_SETPIPE_SZ = 1031;
    private const int O_NONBLOCK = 0x800;

    /// <summary>A new pipe, both ends close-on-exec and blocking: (the end to read, the end to write).</summary>
    internal static (int Read, int Write) CreatePipe() => CreatePipe(nonBlockingRead: false, nonBlockingWrite: false);

    /// <summary>
    /// A new pipe, both ends close-on-exec, the ends asked for non-blocking: (the end to read, the end to write).
    /// O_NONBLOCK belongs to each end's own open file description, so one end can be non-blocking for a
    /// reactor and the other blocking for a child; pipe2 sets it on both, so the blocking end costs one fcntl.
    /// </summary>
    internal static (int Read, int Write) CreatePipe(bool nonBlockingRead, bool nonBlockingWrite)
    {
        var fds = stackalloc int[2];
        var any = nonBlockingRead || nonBlockingWrite;
        if (LibC.Pipe2(fds, O_CLOEXEC | (any ? O_NONBLOCK : 0)) < 0)
        {
            throw new SystemCallException("pipe2", LibC.LastErrno);
        }
        try
        {
            // F_SETFL ignores the access mode and O_CLOEXEC is a descriptor flag: 0 just clears O_NONBLOCK.
            if (any && !nonBlockingRead && LibC.Fcntl(fds[0], F_SETFL, 0) < 0)
            {
                throw new SystemCallException("fcntl", LibC.LastErrno);
            }
            if (any && !nonBlockingWrite && LibC.Fcntl(fds[1], F_SETFL, 0) < 0)
            {
                throw new SystemCallException("fcntl", LibC.LastErrno);
            }
        }
        catch
        {
            LibC.Close(fds[0]);
            LibC.Close(fds[1]);
            throw;
        }
        return (fds[0], fds[1]);
    }

    /// <summary>
    /// Asks the kernel to give the pipe <paramref name="fd"/> at least <paramref name="bytes"/> of buffer,
    /// best effort: it refuses above fs.pipe-max-size, and an unprivileged user past
    /// fs.pipe-user-pages-soft, and the pipe then keeps the size it has.
    /// </summary>
    internal static void TryGrow(int fd, int bytes) => _ = LibC.Fcntl(fd, F_SETPIPE_SZ, bytes);

    /// <summary>Sets or clears O_NONBLOCK on <paramref name="fd"/>'s open file description.</summary>
    internal static void SetNonBlocking(int fd, bool nonBlocking = true)
    {
        var flags = LibC.Fcntl(fd, F_GETFL, 0);
        if (flags < 0)
        {
            throw new SystemCallException("fcntl", LibC.LastErrno);
        }
        var wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        if (wanted != flags && LibC.Fcntl(fd, F_SETFL, wanted) < 0)
        {
            throw new SystemCallException("fcntl", LibC.LastErrno);
        }
    }

    /// <summary>What <paramref name="fd"/> refers to.</summary>
    internal static DescriptorKind KindOf(int fd)
    {
        // struct stat is 144 bytes on x86-64 and 128 on arm64; st_mode sits at 24 and 16 respectively.
        var buffer = stackalloc byte[256];
        if (ProcessLibC.FStat(fd, buffer) < 0)
        {
            throw new SystemCallException("fstat", LibC.LastErrno);
        }
        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        var mode = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(buffer + offset, 4)) & 0xF000;
        return mode switch
        {
            0x1000 => DescriptorKind.Fifo,
            0xC000 => DescriptorKind.Socket,
            0x2000 => DescriptorKind.CharacterDevice,
            0x8000 => DescriptorKind.RegularFile,
            _ => DescriptorKind.Other,
        };
    }

    /// <summary>read(2): the count, 0 at end of file, or -errno.</summary>
    internal static int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = LibC.Read(fd, p, buffer.Length);
            return n >= 0 ? (int)n : -LibC.LastErrno;
        }
    }

    /// <summary>write(2): the count, or -errno (EPIPE, not SIGPIPE: the runtime ignores that signal).</summary>
    internal static int Write(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var n = LibC.Write(fd, p, data.Length);
            return n >= 0 ? (int)n : -LibC.LastErrno;
        }
    }

    /// <summary>Closes <paramref name="fd"/>, ignoring errors (nothing useful can be done about them).</summary>
    internal static void Close(int fd) => LibC.Close(fd);

    /// <summary>
    /// Blocks in poll(2) until <paramref name="fd"/> is readable (or, with <paramref name="write"/>,
    /// writable; with <paramref name="watch"/> false, only until it hangs up or errs) or
    /// <paramref name="wakeFd"/> is readable. Returns the fd's revents, or -1 when woken.
    /// </summary>
    internal static int WaitReady(int fd, bool write, bool watch, int wakeFd)
    {
        var fds = stackalloc PollFd[2];
        fds[0].Fd = fd;
        fds[0].Events = watch ? (write ? PollFd.POLLOUT : PollFd.POLLIN) : (short)0;
        fds[1].Fd = wakeFd;
        fds[1].Events = PollFd.POLLIN;
        while (true)
        {
            fds[0].REvents = 0;
            fds[1].REvents = 0;
            var n = LibC.Poll(fds, 2, -1);
            if (n < 0)
            {
                var errno = LibC.LastErrno;
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                throw new SystemCallException("poll", errno);
            }
            if (fds[1].REvents != 0)
            {
                return -1;
            }
            if (fds[0].REvents != 0)
            {
                return fds[0].REvents;
            }
        }
    }

    /// <summary>A close-on-exec duplicate of <paramref name="fd"/>.</summary>
    internal static int DuplicateCloseOnExec(int fd)
    {
        var copy = LibC.Fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 0);
        if (copy < 0)
        {
            throw new SystemCallException("fcntl", LibC.LastErrno);
        }
        return copy;
    }
}
