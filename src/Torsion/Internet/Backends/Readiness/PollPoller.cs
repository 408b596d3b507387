namespace Torsion.Internet;

/// <summary>
/// poll(2): the portable fallback. Keeps a dense pollfd array (swap-remove) and an fd → index map,
/// so interest changes are O(1) and each wait passes exactly the watched descriptors.
/// </summary>
internal sealed unsafe class PollPoller : Poller
{
    private PollFd[] _fds = new PollFd[64];
    private ulong[] _tokens = new ulong[64];
    private readonly Dictionary<int, int> _index = new();
    private int _count;

    public override void Add(int fd, ulong token, bool read, bool write)
    {
        if (_index.ContainsKey(fd))
        {
            throw new SystemCallException("poll add", Errno.EEXIST);
        }
        if (_count == _fds.Length)
        {
            Array.Resize(ref _fds, _count * 2);
            Array.Resize(ref _tokens, _count * 2);
        }
        _fds[_count] = new PollFd { Fd = fd, Events = Interest(read, write) };
        _tokens[_count] = token;
        _index[fd] = _count++;
    }

    public override void Modify(int fd, ulong token, bool read, bool write)
    {
        if (!_index.TryGetValue(fd, out var i))
        {
            throw new SystemCallException("poll modify", Errno.ENOENT);
        }
        _fds[i].Events = Interest(read, write);
        _tokens[i] = token;
    }

    public override void Remove(int fd)
    {
        if (!_index.Remove(fd, out var i))
        {
            return;
        }
        var last = --_count;
        if (i != last)
        {
            _fds[i] = _fds[last];
            _tokens[i] = _tokens[last];
            _index[_fds[i].Fd] = i;
        }
    }

    private static short Interest(bool read, bool write) => (short)((read ? PollFd.POLLIN : 0) | (write ? PollFd.POLLOUT : 0));

    public override int Wait(Span<PollerEvent> events, int timeoutMs)
    {
        int n;
        fixed (PollFd* p = _fds)
        {
            n = LibC.Poll(p, (nuint)_count, timeoutMs);
        }
        if (n < 0)
        {
            var errno = LibC.LastErrno;
            if (errno == Errno.EINTR)
            {
                return 0;
            }
            throw new SystemCallException("poll", errno);
        }
        var o = 0;
        for (var i = 0; i < _count && o < events.Length && n > 0; i++)
        {
            var r = _fds[i].REvents;
            if (r == 0)
            {
                continue;
            }
            n--;
            ref var e = ref events[o++];
            e.Token = _tokens[i];
            e.Readable = (r & PollFd.POLLIN) != 0;
            e.Writable = (r & PollFd.POLLOUT) != 0;
            e.Disconnected = (r & (PollFd.POLLHUP | PollFd.POLLERR | PollFd.POLLNVAL)) != 0;
        }
        return o;
    }

    public override void Dispose() { }
}
