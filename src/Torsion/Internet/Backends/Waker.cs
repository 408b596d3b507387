using Torsion.Defer;
using Torsion.Internet.Posix;

namespace Torsion.Internet.Backends;

/// <summary>An eventfd the loop watches, so another thread can end its wait with one write.</summary>
internal sealed unsafe class Waker : IReadDescriptor
{
    private readonly int _fd;

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
        ulong one = 1;
        // EAGAIN means the counter is saturated: the loop is awake anyway.
        LibC.Write(_fd, (byte*)&one, sizeof(ulong));
    }

    public Failure? DoRead()
    {
        ulong value;
        LibC.Read(_fd, (byte*)&value, sizeof(ulong));
        return null;
    }

    public void ConnectionLost(Failure reason) { }
}
