namespace Torsion.Internet;

/// <summary>
/// Readiness through an io_uring ring: the readiness reactor's descriptors (and <see cref="IReactorFDSet"/>'s)
/// watched with IORING_OP_POLL_ADD requests, all queued during a pass and handed to the kernel with the
/// wait in one <c>io_uring_enter</c>. Each request is one-shot and re-armed on the next pass while its
/// descriptor is still registered: that keeps epoll's level-triggered contract (a reader that leaves
/// bytes unread is told again) which a multishot poll, reporting only new wake-ups, would break.
/// Re-arming costs a submission entry, not a system call. The ring is made with the reactor (its
/// descriptor counts from the start, like epoll's) and only the loop thread submits to it.
/// </summary>
internal sealed class UringPoller : Poller
{
    private struct Slot
    {
        public ulong Token;
        public uint Wanted;
        public uint ArmedMask;
        public uint Sequence;
        public bool Registered;
        public bool Armed;
        public bool Dirty;
        // The descriptor was removed since it was armed: an armed request watches the old open file.
        public bool Replaced;
    }

    private const uint PollIn = 0x001;
    private const uint PollOut = 0x004;
    private const uint PollErr = 0x008;
    private const uint PollHup = 0x010;
    private const ulong CancelTag = 1UL << 63;
    private const int ECanceled = 125;

    private readonly IoRing _ring;
    private readonly List<int> _dirty = new();
    private Slot[] _slots = new Slot[256];
    private Cqe[] _completions = new Cqe[256];

    internal UringPoller(uint entries = 256)
    {
        _ring = new IoRing(entries, 0);
    }

    public override void Add(int fd, ulong token, bool read, bool write) => Set(fd, token, read, write);

    public override void Modify(int fd, ulong token, bool read, bool write) => Set(fd, token, read, write);

    public override void Remove(int fd)
    {
        if ((uint)fd >= (uint)_slots.Length)
        {
            return;
        }
        ref var s = ref _slots[fd];
        s.Registered = false;
        s.Wanted = 0;
        s.Replaced = true;
        if (s.Armed)
        {
            // An armed poll holds a reference to the open file, so close(2) alone would not release
            // the socket (no FIN, the port still bound) until the request ended. Cancel it now, in
            // this call, as epoll_ctl(DEL) would take effect now: a caller closes right after.
            Cancel(_ring, fd, ref s);
            _ring.Submit();
        }
        MarkDirty(fd, ref s);
    }

    private static void Cancel(IoRing ring, int fd, ref Slot s)
    {
        ref var cancel = ref ring.NextSqe();
        cancel.Opcode = Uring.OpPollRemove;
        cancel.Fd = -1;
        cancel.Addr = UserData(fd, s.Sequence);
        cancel.UserData = CancelTag;
        s.Armed = false;
    }

    private void Set(int fd, ulong token, bool read, bool write)
    {
        if (fd >= _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(fd + 1, _slots.Length * 2));
        }
        ref var s = ref _slots[fd];
        s.Token = token;
        s.Registered = true;
        s.Wanted = (read ? PollIn : 0) | (write ? PollOut : 0);
        MarkDirty(fd, ref s);
    }

    private void MarkDirty(int fd, ref Slot s)
    {
        if (!s.Dirty)
        {
            s.Dirty = true;
            _dirty.Add(fd);
        }
    }

    // Brings the kernel's requests in line with what is registered: cancels requests that watch the
    // wrong events or an old open file, arms what is registered and not armed.
    private void Flush(IoRing ring)
    {
        foreach (var fd in _dirty)
        {
            ref var s = ref _slots[fd];
            s.Dirty = false;
            var wanted = s.Registered ? s.Wanted : 0;
            if (s.Armed && (s.Replaced || s.ArmedMask != wanted))
            {
                Cancel(ring, fd, ref s);
            }
            s.Replaced = false;
            if (!s.Armed && wanted != 0)
            {
                // A new sequence number makes any completion of an earlier request for this descriptor stale.
                s.Sequence = (s.Sequence + 1) & 0x7fffffff;
                ref var sqe = ref ring.NextSqe();
                sqe.Opcode = Uring.OpPollAdd;
                sqe.Fd = fd;
                sqe.OpFlags = wanted;
                sqe.UserData = UserData(fd, s.Sequence);
                s.Armed = true;
                s.ArmedMask = wanted;
            }
        }
        _dirty.Clear();
    }

    private static ulong UserData(int fd, uint sequence) => (uint)fd | ((ulong)sequence << 32);

    public override int Wait(Span<PollerEvent> events, int timeoutMs)
    {
        var ring = _ring;
        Flush(ring);
        ring.SubmitAndWait(timeoutMs);
        if (_completions.Length < events.Length)
        {
            _completions = new Cqe[events.Length];
        }
        var n = ring.Reap(_completions.AsSpan(0, events.Length));
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            ref readonly var c = ref _completions[i];
            if ((c.UserData & CancelTag) != 0)
            {
                continue;
            }
            var fd = (int)(uint)c.UserData;
            var sequence = (uint)(c.UserData >> 32);
            if ((uint)fd >= (uint)_slots.Length)
            {
                continue;
            }
            ref var s = ref _slots[fd];
            if (!s.Armed || s.Sequence != sequence)
            {
                continue;
            }
            s.Armed = false;
            if (s.Registered)
            {
                // One-shot: armed again on the next pass, after the reactor has acted on this one.
                MarkDirty(fd, ref s);
            }
            if (c.Res == -ECanceled || !s.Registered)
            {
                continue;
            }
            var mask = c.Res < 0 ? PollErr : (uint)c.Res;
            ref var e = ref events[count++];
            e.Token = s.Token;
            e.Readable = (mask & PollIn) != 0;
            e.Writable = (mask & PollOut) != 0;
            e.Disconnected = (mask & (PollErr | PollHup)) != 0;
        }
        return count;
    }

    public override void Dispose() => _ring.Dispose();
}
