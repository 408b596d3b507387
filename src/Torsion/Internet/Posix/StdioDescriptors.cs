using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// The descriptor calls StandardIO makes around the pipe layer: dup a standard descriptor (so the layer
/// owns a copy), ask whether it is a terminal, save and restore its O_NONBLOCK flag, park a closed
/// standard descriptor on /dev/null so its number is not reused by the next socket, and end an output for
/// real (every copy of a pipe's write end) so the reader sees end of file.
/// </summary>
internal static unsafe partial class StdioDescriptors
{
    private const string Lib = "libc";
    private const int F_DUPFD_CLOEXEC = 1030;
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int O_NONBLOCK = 0x800;
    private const int O_RDWR = 2;
    private const int O_WRONLY = 1;
    private const int O_ACCMODE = 3;
    private const int O_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    [LibraryImport(Lib, EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* statBuffer);

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> are the same file (device and inode): a socket or
    /// terminal passed as both stdin and stdout, whose O_NONBLOCK flag the two directions share.
    /// </summary>
    internal static bool SameFile(int a, int b) => a == b || (FileId(a) is { } first && first == FileId(b));

    // st_dev and st_ino (the first two 8-byte fields of struct stat on x86-64 and arm64 alike) and the file type bits.
    private static (ulong Device, ulong Inode, int Type)? FileId(int fd)
    {
        var buffer = stackalloc byte[256];
        if (FStat(fd, buffer) < 0)
        {
            return null;
        }
        var modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return (*(ulong*)buffer, *(ulong*)(buffer + 8), *(int*)(buffer + modeOffset) & 0xF000);
    }

    /// <summary>
    /// Ends the output on <paramref name="fd"/> so the reader at the other end sees end of file. A pipe reaches
    /// end of file only once every descriptor for its write end is closed, and the runtime keeps copies of the
    /// standard descriptors of its own (so does <see cref="Console"/> once used): every other descriptor above 2
    /// on the same pipe's write end is pointed at /dev/null (not closed: their owners will still close them),
    /// unless another standard descriptor (stderr after <c>2&gt;&amp;1</c>) writes to that pipe too, which then stays open for
    /// it. A socket is shut for sending instead. Then <paramref name="fd"/> itself is released (<see cref="Release"/>).
    /// </summary>
    internal static void ReleaseOutput(int fd)
    {
        if (FileId(fd) is { } id)
        {
            if (id.Type == 0xC000)
            {
                LibC.Shutdown(fd, 1 /* SHUT_WR */);
            }
            else if (id.Type == 0x1000 && !Enumerable.Range(0, 3).Any(other => other != fd && IsWriteEndOf(other, id)))
            {
                // (When stderr writes to the same pipe, as after 2>&1, the pipe stays open for it: nothing to do.)
                foreach (var other in OpenDescriptors())
                {
                    if (other > 2 && IsWriteEndOf(other, id))
                    {
                        PointAtDevNull(other);
                    }
                }
            }
        }
        Release(fd);
    }

    // A write end of the pipe id names (a read end of the same pipe, held here too, has the same inode).
    private static bool IsWriteEndOf(int fd, (ulong, ulong, int) id) =>
        FileId(fd) == id && (LibC.Fcntl(fd, F_GETFL, 0) & O_ACCMODE) == O_WRONLY;

    private static List<int> OpenDescriptors()
    {
        var fds = new List<int>();
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (int.TryParse(Path.GetFileName(entry), out var n))
                {
                    fds.Add(n);
                }
            }
        }
        catch (IOException)
        {
            // No /proc: the copies stay open, and the reader sees end of file when this process exits.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return fds;
    }

    /// <summary>A close-on-exec copy of <paramref name="fd"/> numbered 3 or above.</summary>
    internal static int Duplicate(int fd)
    {
        var copy = LibC.Fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
        {
            throw new SystemCallException("fcntl(F_DUPFD_CLOEXEC)", LibC.LastErrno);
        }
        return copy;
    }

    /// <summary>Whether <paramref name="fd"/> is a terminal.</summary>
    internal static bool IsTerminal(int fd) => IsATty(fd) == 1;

    /// <summary>Whether O_NONBLOCK is set on <paramref name="fd"/>'s open file description (false if it cannot be read).</summary>
    internal static bool IsNonBlocking(int fd)
    {
        var flags = LibC.Fcntl(fd, F_GETFL, 0);
        return flags >= 0 && (flags & O_NONBLOCK) != 0;
    }

    /// <summary>Sets O_NONBLOCK on <paramref name="fd"/>'s open file description back to <paramref name="nonBlocking"/>, ignoring errors.</summary>
    internal static void RestoreNonBlocking(int fd, bool nonBlocking)
    {
        var flags = LibC.Fcntl(fd, F_GETFL, 0);
        if (flags < 0)
        {
            return;
        }
        var wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        if (wanted != flags)
        {
            LibC.Fcntl(fd, F_SETFL, wanted);
        }
    }

    /// <summary>
    /// Closes <paramref name="fd"/>: a standard descriptor (0, 1, 2) is pointed at /dev/null instead, in one
    /// step (dup2), so its number never goes to another file and a stray write to it goes nowhere.
    /// </summary>
    internal static void Release(int fd)
    {
        if (fd > 2)
        {
            LibC.Close(fd);
            return;
        }
        PointAtDevNull(fd);
    }

    private static void PointAtDevNull(int fd)
    {
        var devNull = Open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devNull < 0)
        {
            if (fd <= 2)
            {
                LibC.Close(fd);
            }
            return;
        }
        Dup2(devNull, fd);
        LibC.Close(devNull);
    }
}
