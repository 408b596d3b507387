namespace Torsion.Internet;

/// <summary>
/// select(2): the most portable fallback, bounded by FD_SETSIZE. A descriptor of 1024 or above
/// cannot be watched and is refused at registration with a clear error, as in Twisted.
/// </summary>
internal sealed unsafe class SelectPoller : Poller
{
    private readonly Dictionary<int, (ulong Token, bool Read, bool Write)> _watched = new();
    private int _maxFd = -1;

    public override void Add(int fd, ulong token, bool read, bool write)
    {
        if (fd >= FdSet.Size)
        {
            throw new InvalidOperationException($"The select reactor cannot watch descriptor {fd}: select(2) handles only descriptors below {FdSet.Size}. Use the epoll or poll reactor.");
        }
        if (!_watched.TryAdd(fd, (token, read, write)))
        {
            throw new SystemCallException("select add", Errno.EEXIST);
        }
        _maxFd = Math.Max(_maxFd, fd);
    }

    public override void Modify(int fd, ulong token, bool read, bool write)
    {
        if (!_watched.ContainsKey(fd))
        {
            throw new SystemCallException("select modify", Errno.ENOENT);
        }
        _watched[fd] = (token, read, write);
    }

    public override void Remove(int fd)
    {
        if (_watched.Remove(fd) && fd == _maxFd)
        {
            _maxFd = _watched.Count == 0 ? -1 : _watched.Keys.Max();
        }
    }

    public override int Wait(Span<PollerEvent> events, int timeoutMs)
    {
        FdSet r = default, w = default;
        foreach (var (fd, (_, read, write)) in _watched)
        {
            if (read) r.Set(fd);
            if (write) w.Set(fd);
        }
        TimeVal tv = new() { Seconds = timeoutMs / 1000, Microseconds = timeoutMs % 1000 * 1000 };
        // No except set: it reports out-of-band data, not errors; errors make a descriptor readable or writable.
        var n = LibC.Select(_maxFd + 1, &r, &w, null, timeoutMs < 0 ? null : &tv);
        if (n < 0)
        {
            var errno = LibC.LastErrno;
            if (errno == Errno.EINTR)
            {
                return 0;
            }
            throw new SystemCallException("select", errno);
        }
        var o = 0;
        if (n == 0)
        {
            return 0;
        }
        foreach (var (fd, (token, _, _)) in _watched)
        {
            if (o == events.Length)
            {
                break;
            }
            bool rd = r.IsSet(fd), wr = w.IsSet(fd);
            if (!(rd || wr))
            {
                continue;
            }
            ref var e = ref events[o++];
            e.Token = token;
            e.Readable = rd;
            e.Writable = wr;
            e.Disconnected = false;
        }
        return o;
    }

    public override void Dispose() { }
}
