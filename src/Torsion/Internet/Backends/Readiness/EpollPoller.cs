using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Torsion.Internet;

/// <summary>Level-triggered epoll. One epoll_ctl per interest change, one epoll_wait per loop pass.</summary>
internal sealed unsafe class EpollPoller : Poller
{
    private readonly int _epfd;
    private EpollEvent[] _buffer = GC.AllocateArray<EpollEvent>(256, pinned: true);

    public EpollPoller()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("The epoll backend supports x86-64 only (struct epoll_event layout).");
        }
        _epfd = LibC.EpollCreate1(EpollEvent.EPOLL_CLOEXEC);
        if (_epfd < 0)
        {
            throw new SystemCallException("epoll_create1", LibC.LastErrno);
        }
    }

    public override void Add(int fd, ulong token, bool read, bool write) => Ctl(EpollEvent.EPOLL_CTL_ADD, fd, token, read, write);

    public override void Modify(int fd, ulong token, bool read, bool write) => Ctl(EpollEvent.EPOLL_CTL_MOD, fd, token, read, write);

    public override void Remove(int fd)
    {
        EpollEvent ev = default;
        // ENOENT/EBADF: the descriptor is already gone, which is what was wanted.
        LibC.EpollCtl(_epfd, EpollEvent.EPOLL_CTL_DEL, fd, &ev);
    }

    // close(2) removes a descriptor from every epoll set once no other descriptor refers to its open
    // file, so for a socket we alone hold (CLOEXEC, never dup'd) the EPOLL_CTL_DEL is one syscall per
    // connection for nothing: a burst of short connections pays accept4, ADD, send, close, not DEL too.
    public override void Forget(int fd) { }

    private void Ctl(int op, int fd, ulong token, bool read, bool write)
    {
        EpollEvent ev;
        ev.Events = (read ? EpollEvent.EPOLLIN : 0) | (write ? EpollEvent.EPOLLOUT : 0);
        ev.Data = token;
        if (LibC.EpollCtl(_epfd, op, fd, &ev) < 0)
        {
            throw new SystemCallException("epoll_ctl", LibC.LastErrno);
        }
    }

    public override int Wait(Span<PollerEvent> events, int timeoutMs)
    {
        if (_buffer.Length < events.Length)
        {
            _buffer = GC.AllocateArray<EpollEvent>(events.Length, pinned: true);
        }
        // The buffer is pinned (allocated so), so the kernel can write into it without a fixed block.
        var raw = (EpollEvent*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        var n = LibC.EpollWait(_epfd, raw, events.Length, timeoutMs);
        if (n < 0)
        {
            var errno = LibC.LastErrno;
            if (errno == Errno.EINTR)
            {
                return 0;
            }
            throw new SystemCallException("epoll_wait", errno);
        }
        // This loop runs once per ready descriptor on every pass, so it indexes without bounds
        // checks: the kernel never returns more than maxevents (= events.Length) entries.
        ref var o = ref MemoryMarshal.GetReference(events);
        for (var i = 0; i < n; i++)
        {
            var e = raw[i].Events;
            o.Token = raw[i].Data;
            o.Readable = (e & EpollEvent.EPOLLIN) != 0;
            o.Writable = (e & EpollEvent.EPOLLOUT) != 0;
            o.Disconnected = (e & (EpollEvent.EPOLLHUP | EpollEvent.EPOLLERR)) != 0;
            o = ref Unsafe.Add(ref o, 1);
        }
        return n;
    }

    public override void Dispose() => LibC.Close(_epfd);
}
