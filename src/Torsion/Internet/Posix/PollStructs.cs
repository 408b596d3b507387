using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>
/// <c>struct epoll_event</c>. On x86-64 the kernel declares it packed (12 bytes, data at offset 4);
/// the epoll backend refuses to load on other architectures rather than guess the layout.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct EpollEvent
{
    [FieldOffset(0)] internal uint Events;
    [FieldOffset(4)] internal ulong Data;

    internal const uint EPOLLIN = 0x001;
    internal const uint EPOLLOUT = 0x004;
    internal const uint EPOLLERR = 0x008;
    internal const uint EPOLLHUP = 0x010;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const int EPOLL_CLOEXEC = 0x80000;
}

/// <summary><c>struct pollfd</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    internal int Fd;
    internal short Events;
    internal short REvents;

    internal const short POLLIN = 0x001;
    internal const short POLLOUT = 0x004;
    internal const short POLLERR = 0x008;
    internal const short POLLHUP = 0x010;
    internal const short POLLNVAL = 0x020;
}

/// <summary><c>fd_set</c>: a bitmap of FD_SETSIZE (1024) descriptors.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FdSet
{
    internal const int Size = 1024;
    private fixed ulong _bits[Size / 64];

    internal void Set(int fd) => _bits[fd >> 6] |= 1UL << (fd & 63);

    internal readonly bool IsSet(int fd) => (_bits[fd >> 6] & (1UL << (fd & 63))) != 0;

    internal void Clear()
    {
        for (var i = 0; i < Size / 64; i++)
        {
            _bits[i] = 0;
        }
    }
}

/// <summary><c>struct timeval</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeVal
{
    internal long Seconds;
    internal long Microseconds;
}

/// <summary><c>struct iovec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    internal byte* Base;
    internal nuint Length;
}

/// <summary><c>struct msghdr</c> (64-bit layout).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    internal void* Name;
    internal int NameLen;
    internal IoVec* Iov;
    internal nuint IovLen;
    internal void* Control;
    internal nuint ControlLen;
    internal int Flags;
}
