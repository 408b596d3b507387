using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Readiness through an io_uring ring: the readiness reactor's descriptors (and <see cref="IReactorFDSet"/>'s)
/// watched with IORING_OP_POLL_ADD requests, all queued during a pass and handed to the kernel with the
/// wait in one <c>io_uring_enter</c>. Each request is one-shot and re-armed on the next pass while its
/// descriptor is still registered: that keeps epoll's level-triggered contract (a reader that leaves
/// bytes unread is told again) which a multishot poll, reporting only new wake-ups, would break.
/// Re-arming costs a submission entry, not a system call. The ring is made with the reactor (its
/// descriptor counts from the start, like epoll's) and only the loop thread submits to it.
/// <para>
/// Beside the polls, the poller routes completions to owners (<see cref="ICompletion"/>): TCP
/// connections and listening ports that do their I/O through the ring itself (multishot receive into
/// the loop's provided buffers, sendmsg, multishot accept). Their requests carry
/// <see cref="CompletionTag"/> with the owner's slot, the slot's generation and the owner's op tag in
/// user_data; a slot is reused only once every request of its last owner has ended, so a completion
/// can never reach the wrong owner.
/// </para>
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

    /// <summary>The user_data bit of a request an <see cref="ICompletion"/> owns (bit 63 marks cancels).</summary>
    internal const ulong CompletionTag = 1UL << 62;

    private const int OwnerBits = 24;
    private const uint GenerationMask = (1u << 30) - 1;

    /// <summary>Provided buffers per loop, and their size: what receives of every connection share.</summary>
    internal const ushort ReceiveBufferCount = 512;

    /// <summary>Bytes per provided buffer (one segment's worth, the readiness loop's read size in quarters).</summary>
    internal const int ReceiveBufferSize = 16 * 1024;

    private struct Owner
    {
        public ICompletion? Handler;
        public uint Generation;
        // Requests queued for the owner whose last completion has not arrived.
        public int InFlight;
        // Detached: its completions are dropped, and the slot is freed when InFlight reaches zero.
        public bool Detached;
    }

    private readonly IoRing _ring;
    private readonly List<int> _dirty = new();
    private readonly List<ICompletion> _prepare = new();
    private readonly Stack<int> _freeOwners = new();
    // Pinned blocks are dear to allocate (the pinned heap has no bump allocator): kept for reuse.
    private readonly Stack<byte[]> _sendStates = new();
    private const int MaxPooledSendStates = 256;
    private Slot[] _slots = new Slot[256];
    private Cqe[] _completions = new Cqe[1024];
    private Owner[] _owners = new Owner[64];
    private int _ownerCount;
    private int _attached;
    private int _opsInFlight;
    private BufferRing? _buffers;
    private bool _disabled;

    internal UringPoller(uint entries = 256)
    {
        // A large completion queue: every connection's multishot receive can post many completions a pass.
        // Task work (a receive finishing, a send going on) is deferred to the loop's own io_uring_enter
        // instead of interrupting the thread whenever a packet arrives; that needs a single submitter,
        // which is the loop thread: the ring starts disabled and is enabled from the loop's first call.
        try
        {
            _ring = new IoRing(entries, Uring.SetupSingleIssuer | Uring.SetupDeferTaskrun | Uring.SetupRDisabled, cqEntries: 4096);
            _disabled = true;
        }
        catch (SystemCallException e) when (e.Errno == Errno.EINVAL)
        {
            // A kernel before 6.1: task work interrupts the thread, which is correct, only dearer.
            _ring = new IoRing(entries, 0, cqEntries: 4096);
        }
    }

    private void Enable()
    {
        if (_disabled)
        {
            _disabled = false;
            _ring.Enable();
        }
    }

    /// <summary>The loop's provided-buffer ring (group 0), made on first use so a loop that never reads through the ring holds none.</summary>
    internal BufferRing Buffers => _buffers ??= new BufferRing(_ring, 0, ReceiveBufferCount, ReceiveBufferSize);

    /// <summary>Owners attached and not detached.</summary>
    internal int Attached => _attached;

    /// <summary>Requests of owners (detached ones included) whose last completion has not arrived.</summary>
    internal int OwnerRequestsInFlight => _opsInFlight;

    /// <summary>Provided buffers out of the ring (zero when every one is back, or none was ever made).</summary>
    internal int BuffersHeld => _buffers?.Held ?? 0;

    /// <summary>Gives <paramref name="handler"/> a slot; its requests are queued with <see cref="Queue"/>.</summary>
    internal int Attach(ICompletion handler)
    {
        int index;
        if (!_freeOwners.TryPop(out index))
        {
            if (_ownerCount == _owners.Length)
            {
                if (_ownerCount == 1 << OwnerBits)
                {
                    throw new InvalidOperationException("Too many io_uring owners on one loop.");
                }
                Array.Resize(ref _owners, _owners.Length * 2);
            }
            index = _ownerCount++;
        }
        ref var o = ref _owners[index];
        o.Handler = handler;
        o.Detached = false;
        _attached++;
        return index;
    }

    /// <summary>
    /// The owner of <paramref name="index"/> is done: completions still to come for its requests reach
    /// it only to be cleaned up after (their buffers recycled), and the slot is reused once the last has arrived.
    /// </summary>
    internal void Detach(int index)
    {
        ref var o = ref _owners[index];
        if (o.Detached || o.Handler is null)
        {
            return;
        }
        o.Detached = true;
        _attached--;
        if (o.InFlight == 0)
        {
            Free(index, ref o);
        }
    }

    private void Free(int index, ref Owner o)
    {
        o.Handler = null;
        o.Detached = false;
        o.Generation = (o.Generation + 1) & GenerationMask;
        _freeOwners.Push(index);
    }

    /// <summary>The user_data of <paramref name="index"/>'s requests tagged <paramref name="op"/>.</summary>
    internal ulong UserData(int index, byte op) =>
        CompletionTag | ((ulong)_owners[index].Generation << 32) | ((ulong)op << OwnerBits) | (uint)index;

    /// <summary>A submission slot for a request of <paramref name="index"/>, tagged <paramref name="op"/>, counted in flight until its last completion.</summary>
    internal ref Sqe Queue(int index, byte op)
    {
        ref var sqe = ref _ring.NextSqe();
        sqe.UserData = UserData(index, op);
        _owners[index].InFlight++;
        _opsInFlight++;
        return ref sqe;
    }

    /// <summary>Queues a cancel of <paramref name="index"/>'s request tagged <paramref name="op"/> (its completion then ends it, -ECANCELED).</summary>
    internal void QueueCancel(int index, byte op)
    {
        ref var cancel = ref _ring.NextSqe();
        cancel.Opcode = Uring.OpAsyncCancel;
        cancel.Fd = -1;
        cancel.Addr = UserData(index, op);
        cancel.UserData = CancelTag;
    }

    /// <summary>
    /// Cancels every request on <paramref name="fd"/> now, in one io_uring_enter: an in-flight request
    /// holds the open file, so without this close(2) would not release the socket (no FIN, the port
    /// still bound) until the request ended. What is queued goes with it.
    /// </summary>
    internal void CancelAllNow(int fd)
    {
        if (_disabled)
        {
            NeutralizeQueued(fd);
            return;
        }
        ref var cancel = ref _ring.NextSqe();
        cancel.Opcode = Uring.OpAsyncCancel;
        cancel.Fd = fd;
        cancel.OpFlags = Uring.AsyncCancelFd | Uring.AsyncCancelAll;
        cancel.UserData = CancelTag;
        Enable();
        _ring.SubmitAndRunTaskWork();
    }

    /// <summary>
    /// Makes way for close(2) on <paramref name="fd"/>, owned by <paramref name="index"/>, without a system
    /// call: its requests still queued become no-ops (after the close the number may be given to a new
    /// socket, which a queued request would then read), and a cancel of each request already in flight,
    /// by user_data (a cancel by descriptor would look the number up after the close), goes with the pass's
    /// submission. An in-flight request holds the open file, so the socket is released (the FIN sent)
    /// when that submission cancels it, at the end of this pass, not later.
    /// </summary>
    internal void CancelBeforeClose(int index, int fd, byte op1, byte op2)
    {
        NeutralizeQueued(fd);
        if (_owners[index].InFlight > 0 && !_disabled)
        {
            QueueCancel(index, op1);
            QueueCancel(index, op2);
        }
    }

    /// <summary>
    /// A pinned block for a sendmsg's msghdr and iovecs, which the kernel reads after the submission:
    /// rented while the send is in flight, so a connection that is not sending holds none.
    /// </summary>
    internal byte[] RentSendState(int size) =>
        _sendStates.TryPop(out var state) && state.Length == size ? state : GC.AllocateArray<byte>(size, pinned: true);

    /// <summary>Gives back a block from <see cref="RentSendState"/> once its send has completed.</summary>
    internal void ReturnSendState(byte[] state)
    {
        if (_sendStates.Count < MaxPooledSendStates)
        {
            _sendStates.Push(state);
        }
    }

    /// <summary>
    /// Before the loop's first pass nothing has reached the kernel (the ring is still disabled, and only
    /// the loop thread may enable it): requests queued for <paramref name="fd"/> become no-ops instead
    /// of being cancelled, so none of them runs on the closed descriptor, or on a new one given its number.
    /// </summary>
    private void NeutralizeQueued(int fd)
    {
        for (uint i = 0; i < _ring.Unsubmitted; i++)
        {
            ref var sqe = ref _ring.Queued(i);
            if (sqe.Fd != fd || sqe.Opcode == Uring.OpNop)
            {
                continue;
            }
            if ((sqe.UserData & (CompletionTag | CancelTag)) == CompletionTag)
            {
                var index = (int)(sqe.UserData & ((1u << OwnerBits) - 1));
                ref var o = ref _owners[index];
                o.InFlight--;
                _opsInFlight--;
                if (o.Detached && o.InFlight == 0)
                {
                    Free(index, ref o);
                }
            }
            sqe = default;
            sqe.Opcode = Uring.OpNop;
            sqe.UserData = CancelTag;
        }
    }

    /// <summary>Has <paramref name="owner"/>'s <see cref="ICompletion.Prepare"/> called before the pass's submission (the owner asks once per pass).</summary>
    internal void RequestPrepare(ICompletion owner) => _prepare.Add(owner);

    /// <summary>Every attached owner, for the reactor's shutdown.</summary>
    internal List<ICompletion> AttachedOwners()
    {
        var list = new List<ICompletion>(_attached);
        for (var i = 0; i < _ownerCount; i++)
        {
            if (_owners[i] is { Handler: { } h, Detached: false })
            {
                list.Add(h);
            }
        }
        return list;
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
            Enable();
            _ring.SubmitAndRunTaskWork();
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
        Enable();
        RunPrepare();
        Flush(ring);
        ring.SubmitAndWait(timeoutMs);
        var count = 0;
        // Bounded: completions keep arriving while they are handled, and the loop has timers and
        // other work too; what is left is reaped on the next pass without waiting.
        for (var round = 0; round < 4 && count < events.Length; round++)
        {
            var n = ring.Reap(_completions.AsSpan(0, Math.Min(_completions.Length, events.Length - count)));
            if (n == 0)
            {
                break;
            }
            for (var i = 0; i < n; i++)
            {
                ref readonly var c = ref _completions[i];
                if ((c.UserData & CancelTag) != 0)
                {
                    continue;
                }
                if ((c.UserData & CompletionTag) != 0)
                {
                    DispatchCompletion(in c);
                    continue;
                }
                if (PollCompleted(in c, ref events[count]))
                {
                    count++;
                }
            }
        }
        // Buffers recycled during the pass go back to the kernel in one store.
        _buffers?.Publish();
        return count;
    }

    private void RunPrepare()
    {
        var prepare = _prepare;
        // By index: an owner's Prepare may not add, but a failure in one must not skip the others.
        for (var i = 0; i < prepare.Count; i++)
        {
            var owner = prepare[i];
            try
            {
                owner.Prepare();
            }
            catch (Exception e)
            {
                Failed(owner, e);
            }
        }
        prepare.Clear();
    }

    private bool PollCompleted(in Cqe c, ref PollerEvent e)
    {
        var fd = (int)(uint)c.UserData;
        var sequence = (uint)(c.UserData >> 32);
        if ((uint)fd >= (uint)_slots.Length)
        {
            return false;
        }
        ref var s = ref _slots[fd];
        if (!s.Armed || s.Sequence != sequence)
        {
            return false;
        }
        s.Armed = false;
        if (s.Registered)
        {
            // One-shot: armed again on the next pass, after the reactor has acted on this one.
            MarkDirty(fd, ref s);
        }
        if (c.Res == -ECanceled || !s.Registered)
        {
            return false;
        }
        var mask = c.Res < 0 ? PollErr : (uint)c.Res;
        e.Token = s.Token;
        e.Readable = (mask & PollIn) != 0;
        e.Writable = (mask & PollOut) != 0;
        e.Disconnected = (mask & (PollErr | PollHup)) != 0;
        return true;
    }

    private void DispatchCompletion(in Cqe c)
    {
        var index = (int)(c.UserData & ((1u << OwnerBits) - 1));
        var op = (byte)(c.UserData >> OwnerBits);
        var generation = (uint)(c.UserData >> 32) & GenerationMask;
        var hasBuffer = (c.Flags & Uring.CqeBuffer) != 0;
        if (hasBuffer)
        {
            Buffers.Taken();
        }
        if ((uint)index < (uint)_ownerCount)
        {
            ref var o = ref _owners[index];
            if (o.Handler is { } handler && o.Generation == generation)
            {
                if ((c.Flags & Uring.CqeMore) == 0)
                {
                    o.InFlight--;
                    _opsInFlight--;
                }
                // A detached owner still hears its completions (it is closed and only cleans up: an
                // accepted descriptor to close, say); its slot is freed after the last one.
                try
                {
                    handler.Complete(in c, op);
                }
                catch (Exception e)
                {
                    Failed(handler, e);
                }
                if (o.Detached && o.InFlight == 0)
                {
                    Free(index, ref o);
                }
            }
        }
        if (hasBuffer)
        {
            // The owner has delivered (or copied) the bytes during Complete: the buffer is free again.
            Buffers.Recycle((ushort)(c.Flags >> Uring.CqeBufferShift));
        }
    }

    private static void Failed(ICompletion owner, Exception e)
    {
        ReactorBase.LogError("Unhandled error in DataReceived or a completion callback", e);
        try
        {
            owner.Lost(new Failure(e));
        }
        catch (Exception again)
        {
            ReactorBase.LogError("Unhandled error in ConnectionLost", again);
        }
    }

    public override void Dispose()
    {
        // The buffers first: once unregistered the kernel can no longer pick one to fill, so their
        // memory can go even while the ring's own teardown (asynchronous in the kernel) goes on.
        _buffers?.Dispose();
        _ring.Dispose();
    }
}
