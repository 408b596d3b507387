using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>An eventfd the loop watches, so another thread can end its wait with one write.</summary>
internal sealed unsafe class Waker : IReadDescriptor
{
    private readonly int _fd;
    private readonly object _lock = new();
    private bool _closed;

    public Waker()
    {
        _fd = LibC.EventFd(0, 0x800 /* EFD_NONBLOCK */ | 0x80000 /* EFD_CLOEXEC */);
        if (_fd < 0)
        {
            throw new SystemCallException("eventfd", LibC.LastErrno);
        }
    }

    public int FileDescriptor => _fd;

    public void Wake()
    {
        // The lock makes "not closed, so write" atomic against Close: a late CallFromThread must
        // never write into a descriptor number that has been closed and reused. Wake runs at most
        // once per loop pass (ReactorBase's wake flag), so the lock is not contended.
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            ulong one = 1;
            // EAGAIN means the counter is saturated: the loop is awake anyway.
            LibC.Write(_fd, (byte*)&one, sizeof(ulong));
        }
    }

    public Failure? DoRead()
    {
        ulong value;
        LibC.Read(_fd, (byte*)&value, sizeof(ulong));
        return null;
    }

    public void ConnectionLost(Failure reason) { }

    /// <summary>Closes the eventfd; later wakes do nothing.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _closed = true;
                LibC.Close(_fd);
            }
        }
    }
}
