using System.Runtime.CompilerServices;

namespace Torsion.Internet;

/// <summary>
/// One io_uring instance owned by one thread: the submission and completion rings mapped into this
/// process, with the kernel's head and tail read and written with acquire and release ordering (the
/// kernel is the other side of each ring). Submissions are queued with <see cref="NextSqe"/> and go to
/// the kernel in one <c>io_uring_enter</c> per <see cref="Submit"/> or <see cref="SubmitAndWait"/>;
/// completions are copied out by <see cref="Reap"/> without a system call whenever the kernel has
/// posted them. Not thread-safe: a reactor's loop thread is the single issuer.
/// </summary>
internal sealed unsafe class IoRing : IDisposable
{
    private readonly int _fd;
    private readonly uint _features;
    private readonly nint _sqMap;
    private readonly nint _sqMapSize;
    private readonly nint _cqMap;
    private readonly nint _cqMapSize;
    private readonly Sqe* _sqes;
    private readonly nint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint* _sqFlags;
    private readonly uint _sqMask;
    private readonly uint _sqEntries;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly Cqe* _cqes;
    // Entries queued since the last enter; the kernel's tail is published just before it.
    private uint _sqLocalTail;
    private uint _unsubmitted;
    private bool _disposed;

    /// <summary>Sets up a ring with <paramref name="entries"/> submission slots (a power of two) and <paramref name="flags"/> (IORING_SETUP_*).</summary>
    /// <exception cref="SystemCallException">io_uring_setup or a mapping failed (ENOSYS: no io_uring; EPERM: disabled by sysctl or seccomp).</exception>
    internal IoRing(uint entries, uint flags, uint cqEntries = 0)
    {
        UringParams p = default;
        p.Flags = flags | (cqEntries != 0 ? Uring.SetupCqSize : 0);
        p.CqEntries = cqEntries;
        var fd = UringSyscalls.Setup(entries, &p);
        if (fd < 0)
        {
            throw new SystemCallException("io_uring_setup", LibC.LastErrno);
        }
        _fd = fd;
        _features = p.Features;
        try
        {
            _sqMapSize = (nint)(p.SqOff.Array + (p.SqEntries * sizeof(uint)));
            _cqMapSize = (nint)(p.CqOff.Cqes + (p.CqEntries * (uint)sizeof(Cqe)));
            var single = (p.Features & Uring.FeatSingleMmap) != 0;
            if (single)
            {
                _sqMapSize = _cqMapSize = Math.Max(_sqMapSize, _cqMapSize);
            }
            _sqMap = Map(_sqMapSize, Uring.OffSqRing);
            _cqMap = single ? _sqMap : Map(_cqMapSize, Uring.OffCqRing);
            _sqesSize = (nint)(p.SqEntries * (uint)sizeof(Sqe));
            _sqes = (Sqe*)Map(_sqesSize, Uring.OffSqes);

            var sq = (byte*)_sqMap;
            _sqHead = (uint*)(sq + p.SqOff.Head);
            _sqTail = (uint*)(sq + p.SqOff.Tail);
            _sqFlags = (uint*)(sq + p.SqOff.Flags);
            _sqMask = *(uint*)(sq + p.SqOff.RingMask);
            _sqEntries = *(uint*)(sq + p.SqOff.RingEntries);
            // The indirection array maps slot i to SQE i once and for all, so a submission is just the SQE and the tail.
            var array = (uint*)(sq + p.SqOff.Array);
            for (uint i = 0; i < _sqEntries; i++)
            {
                array[i] = i;
            }
            _sqLocalTail = *_sqTail;

            var cq = (byte*)_cqMap;
            _cqHead = (uint*)(cq + p.CqOff.Head);
            _cqTail = (uint*)(cq + p.CqOff.Tail);
            _cqMask = *(uint*)(cq + p.CqOff.RingMask);
            _cqes = (Cqe*)(cq + p.CqOff.Cqes);
            CqEntries = *(uint*)(cq + p.CqOff.RingEntries);
        }
        catch
        {
            Unmap();
            LibC.Close(_fd);
            throw;
        }
    }

    /// <summary>The ring's descriptor.</summary>
    internal int FileDescriptor => _fd;

    /// <summary>IORING_FEAT_* the kernel reported.</summary>
    internal uint Features => _features;

    /// <summary>Submission slots.</summary>
    internal uint SqEntries => _sqEntries;

    /// <summary>Completion slots.</summary>
    internal uint CqEntries { get; }

    /// <summary>Entries queued and not yet handed to the kernel.</summary>
    internal uint Unsubmitted => _unsubmitted;

    /// <summary>The kernel has task work or overflowed completions waiting for an enter with GETEVENTS.</summary>
    internal bool NeedsEnter => (Volatile.Read(ref *_sqFlags) & (Uring.SqTaskrun | Uring.SqCqOverflow)) != 0;

    /// <summary>A cleared submission slot to fill; when the ring is full, what is queued is submitted first.</summary>
    internal ref Sqe NextSqe()
    {
        if (_sqLocalTail - Volatile.Read(ref *_sqHead) >= _sqEntries)
        {
            Submit();
        }
        ref var sqe = ref _sqes[_sqLocalTail & _sqMask];
        sqe = default;
        _sqLocalTail++;
        _unsubmitted++;
        return ref sqe;
    }

    /// <summary>Queued entry <paramref name="i"/> (0 is the oldest of the <see cref="Unsubmitted"/> ones), to rewrite before it is submitted.</summary>
    internal ref Sqe Queued(uint i) => ref _sqes[(_sqLocalTail - _unsubmitted + i) & _sqMask];

    /// <summary>Hands every queued entry to the kernel without waiting; returns how many it took.</summary>
    internal int Submit() => Enter(0, 0, waitMs: 0);

    /// <summary>
    /// Hands the queued entries to the kernel and, unless completions are already waiting, waits up to
    /// <paramref name="timeoutMs"/> (-1: no limit, 0: no wait) for at least one.
    /// </summary>
    internal int SubmitAndWait(int timeoutMs)
    {
        if (timeoutMs == 0 || HasCompletions)
        {
            return _unsubmitted != 0 || NeedsEnter ? Enter(0, Uring.EnterGetEvents, 0) : 0;
        }
        return Enter(1, Uring.EnterGetEvents, timeoutMs);
    }

    /// <summary>
    /// Hands the queued entries to the kernel and runs the ring's deferred task work (IORING_SETUP_DEFER_TASKRUN)
    /// without waiting: a cancelled request is then finished, and the file it held released, when this returns.
    /// </summary>
    internal int SubmitAndRunTaskWork() => Enter(0, Uring.EnterGetEvents, 0);

    /// <summary>Enables a ring set up with IORING_SETUP_R_DISABLED; with SINGLE_ISSUER the calling thread becomes its only submitter.</summary>
    internal void Enable()
    {
        if (Register(Uring.RegisterEnableRings, null, 0) < 0)
        {
            throw new SystemCallException("io_uring_register(ENABLE_RINGS)", LibC.LastErrno);
        }
    }

    /// <summary>Completions are posted and not yet reaped.</summary>
    internal bool HasCompletions => Volatile.Read(ref *_cqTail) != *_cqHead;

    /// <summary>Copies up to <paramref name="into"/>'s length of posted completions out and releases their slots to the kernel.</summary>
    internal int Reap(Span<Cqe> into)
    {
        var head = *_cqHead;
        var tail = Volatile.Read(ref *_cqTail);
        var n = 0;
        while (head != tail && n < into.Length)
        {
            into[n++] = _cqes[head & _cqMask];
            head++;
        }
        Volatile.Write(ref *_cqHead, head);
        return n;
    }

    private int Enter(uint minComplete, uint flags, int waitMs)
    {
        var toSubmit = _unsubmitted;
        Volatile.Write(ref *_sqTail, _sqLocalTail);
        int r;
        if (waitMs > 0 && (_features & Uring.FeatExtArg) != 0)
        {
            KernelTimespec ts = new() { Seconds = waitMs / 1000, Nanoseconds = waitMs % 1000 * 1_000_000L };
            GetEventsArg arg = new() { Ts = (ulong)&ts };
            r = UringSyscalls.Enter(_fd, toSubmit, minComplete, flags | Uring.EnterExtArg, &arg, sizeof(GetEventsArg));
        }
        else
        {
            r = UringSyscalls.Enter(_fd, toSubmit, minComplete, flags, null, 0);
        }
        if (r < 0)
        {
            var errno = LibC.LastErrno;
            // ETIME: the wait timed out; EINTR: a signal; EBUSY/EAGAIN: completions must be reaped first.
            // In each case nothing was lost: what was not submitted is still counted and goes next time.
            if (errno is Errno.EINTR or Errno.EAGAIN or Errno.EBUSY or Errno.ETIME)
            {
                return 0;
            }
            throw new SystemCallException("io_uring_enter", errno);
        }
        _unsubmitted -= (uint)Math.Min(r, (int)toSubmit);
        return r;
    }

    /// <summary>io_uring_register(2) on this ring.</summary>
    internal int Register(uint opcode, void* arg, uint count) => UringSyscalls.Register(_fd, opcode, arg, count);

    private nint Map(nint size, long offset)
    {
        var p = UringSyscalls.Mmap(0, size, UringSyscalls.ProtRead | UringSyscalls.ProtWrite, UringSyscalls.MapShared | UringSyscalls.MapPopulate, _fd, offset);
        if (p == UringSyscalls.MapFailed)
        {
            throw new SystemCallException("mmap", LibC.LastErrno);
        }
        return p;
    }

    private void Unmap()
    {
        if (_sqes is not null)
        {
            UringSyscalls.Munmap((nint)_sqes, _sqesSize);
        }
        if (_cqMap != 0 && _cqMap != _sqMap)
        {
            UringSyscalls.Munmap(_cqMap, _cqMapSize);
        }
        if (_sqMap != 0)
        {
            UringSyscalls.Munmap(_sqMap, _sqMapSize);
        }
    }

    /// <summary>Unmaps the rings and closes the descriptor (the kernel cancels whatever is still in flight).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Unmap();
        LibC.Close(_fd);
    }
}
