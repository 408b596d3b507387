using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A connected stream socket on the io_uring loop, doing its I/O through the ring instead of through
/// readiness. Receiving is one multishot IORING_OP_RECV that picks from the loop's provided buffers
/// (<see cref="UringPoller.Buffers"/>): each completion is handed to the protocol straight from its
/// buffer, which goes back to the ring right after, so an idle connection holds no buffer and a busy
/// one costs no system call per read. Sending queues the bytes and gathers everything written during
/// a pass into one IORING_OP_SEND (one segment) or SENDMSG (several) submitted with the loop's wait
/// (one send in flight at a time), so a reply costs no system call either. The state machine around writing and closing is
/// <see cref="StreamTransport"/>'s.
/// </summary>
internal sealed unsafe class UringTcpConnection : DescriptorTransport, ICompletion
{
    private const byte ReceiveOp = 1;
    private const byte SendOp = 2;
    private const int MaxIov = 64;

    private readonly UringPoller _poller;
    private int _slot = -1;
    // A multishot receive is queued or in flight (until its last completion).
    private bool _receiving;
    // A cancel of it is queued: reading was paused or stopped.
    private bool _cancelling;
    // A sendmsg is queued or in flight; the bytes it covers stay at the head of the write buffer.
    private bool _sending;
    private bool _prepareQueued;
    private bool _deliverQueued;
    // The msghdr and iovecs of a gathered send in flight (rented from the poller; none for a single segment).
    private byte[]? _sendState;
    // Completions that arrived while reading was paused, delivered first on resume (no DataReceived while paused).
    private byte[]? _stash;
    private int _stashLength;
    private bool _stashedEndOfFile;

    internal UringTcpConnection(PosixReactor reactor, UringPoller poller, int fd, EndPoint peer, bool isUnix = false)
        : base(reactor, reactor.SegmentPool, peer, isUnix, fd)
    {
        _poller = poller;
    }

    /// <summary>The socket's descriptor.</summary>
    internal int FileDescriptor => Fd;

    protected override void Register() => _slot = _poller.Attach(this);

    /// <summary>Starts receiving once the protocol knows it is connected.</summary>
    protected override void Connected()
    {
        if (ReadWanted)
        {
            ArmReceive();
        }
    }

    public void Complete(in Cqe cqe, byte op)
    {
        if (op == ReceiveOp)
        {
            Received(in cqe);
        }
        else
        {
            Sent(in cqe);
        }
    }

    public void Lost(Failure reason) => ConnectionLost(reason);

    // ---- reading ----------------------------------------------------------------------------------

    private bool ReadWanted => !IsDisconnected && !IsLosingConnection && !ReadingPaused && !IsReadShutdown && !HasPendingFailure;

    private void ArmReceive()
    {
        ref var sqe = ref _poller.Queue(_slot, ReceiveOp);
        sqe.Opcode = Uring.OpRecv;
        sqe.Fd = Fd;
        sqe.IoPrio = Uring.RecvMultishot;
        sqe.Flags = Uring.SqeBufferSelect;
        sqe.BufIndex = _poller.Buffers.GroupId;
        _receiving = true;
        _cancelling = false;
    }

    private void Received(in Cqe cqe)
    {
        if ((cqe.Flags & Uring.CqeMore) == 0)
        {
            _receiving = false;
            _cancelling = false;
        }
        if (IsDisconnected)
        {
            return;
        }
        var res = cqe.Res;
        if (res > 0)
        {
            CountReceived(res);
            var data = _poller.Buffers.Data((ushort)(cqe.Flags >> Uring.CqeBufferShift), res);
            if (ReadWanted)
            {
                if (_stashLength > 0)
                {
                    Stash(data);
                    DeliverStash();
                }
                else
                {
                    Protocol.DataReceived(data);
                }
            }
            else if (ReadingPaused && !IsLosingConnection && !HasPendingFailure && !IsReadShutdown)
            {
                // The receive was cancelled, but this one was already on its way: keep it for ResumeProducing.
                Stash(data);
            }
            // Else closing: nothing more reaches the protocol.
        }
        else if (res == 0)
        {
            if (ReadingPaused && !IsLosingConnection && !HasPendingFailure)
            {
                _stashedEndOfFile = true;
                return;
            }
            if (ReadWanted && ReadEndOfFile() is { } why)
            {
                ConnectionLost(why);
            }
            return;
        }
        else if (res is not (-Errno.ENOBUFS or -Errno.ECANCELED or -Errno.EINTR or -Errno.EAGAIN))
        {
            ConnectionLost(LostBecause("recv", -res));
            return;
        }
        // The multishot receive ended (out of provided buffers, cancelled, or the kernel stopped it): go on if still wanted.
        if (!_receiving && ReadWanted && !_stashedEndOfFile)
        {
            ArmReceive();
        }
    }

    private void Stash(ReadOnlySpan<byte> data)
    {
        if (_stash is null || _stash.Length - _stashLength < data.Length)
        {
            var bigger = new byte[Math.Max(_stashLength + data.Length, Math.Max(2 * (_stash?.Length ?? 0), 4096))];
            _stash?.AsSpan(0, _stashLength).CopyTo(bigger);
            _stash = bigger;
        }
        data.CopyTo(_stash.AsSpan(_stashLength));
        _stashLength += data.Length;
    }

    // Delivers what arrived while paused, then the end of file seen while paused, then reads on.
    private void DeliverStash()
    {
        if (_stashLength > 0)
        {
            var stash = _stash!;
            var n = _stashLength;
            _stash = null;
            _stashLength = 0;
            Protocol.DataReceived(stash.AsSpan(0, n));
        }
        if (_stashedEndOfFile)
        {
            if (ReadWanted)
            {
                _stashedEndOfFile = false;
                if (ReadEndOfFile() is { } why)
                {
                    ConnectionLost(why);
                }
            }
            return;
        }
        if (ReadWanted && !_receiving)
        {
            ArmReceive();
        }
    }

    /// <summary>Paused or closing: cancel the receive (completions already on their way are stashed, or dropped when closing).</summary>
    protected override void StopReading()
    {
        if (_receiving && !_cancelling)
        {
            _cancelling = true;
            _poller.QueueCancel(_slot, ReceiveOp);
        }
    }

    protected override void ResumeReading()
    {
        if (!ReadWanted)
        {
            return;
        }
        if (_stashLength > 0 || _stashedEndOfFile)
        {
            // On the loop's next pass, never inside the caller's stack.
            _deliverQueued = true;
            QueueCallSoon();
            return;
        }
        // Still receiving while a cancel is on its way: its -ECANCELED completion re-arms.
        if (!_receiving)
        {
            ArmReceive();
        }
    }

    // ---- writing ----------------------------------------------------------------------------------

    /// <summary>
    /// A write at least this large, with nothing queued, is sent at once with send(2), as the readiness
    /// loop sends it: one system call is nothing beside that many bytes, and the socket, not the queue,
    /// takes them, so a producer writing big chunks is paused only when the socket is full (as on epoll)
    /// rather than by every chunk that passes the high-water mark on its own.
    /// </summary>
    internal const int DirectSendMinimum = 16 * 1024;

    // Smaller writes are not sent from the caller's stack: they are queued, and the pass's sendmsg
    // takes everything written during the pass, submitted with the wait.
    protected override int TrySend(ReadOnlySpan<byte> data, out Failure? failure)
    {
        if (data.Length < DirectSendMinimum)
        {
            failure = null;
            return 0;
        }
        return SendNow(data, out failure);
    }

    /// <summary>Has the sendmsg queued before the pass's submission, unless one is in flight (its completion sends on).</summary>
    protected override void StartFlushing()
    {
        if (_sending || _prepareQueued || IsDisconnected || HasPendingFailure || BufferEmpty)
        {
            return;
        }
        _prepareQueued = true;
        _poller.RequestPrepare(this);
    }

    public void Prepare()
    {
        _prepareQueued = false;
        if (_sending || IsDisconnected || HasPendingFailure || BufferEmpty)
        {
            return;
        }
        var gathered = stackalloc IoVec[MaxIov];
        var n = Buffer!.Gather(gathered, MaxIov, out _);
        ref var sqe = ref _poller.Queue(_slot, SendOp);
        sqe.Fd = Fd;
        sqe.OpFlags = Sock.MSG_NOSIGNAL;
        if (n == 1)
        {
            // One segment (a reply written in one piece): a plain send, with nothing for the kernel to read
            // but the bytes, which are a pinned segment the buffer keeps until the completion.
            sqe.Opcode = Uring.OpSend;
            sqe.Addr = (ulong)gathered[0].Base;
            sqe.Len = (uint)gathered[0].Length;
        }
        else
        {
            _sendState = _poller.RentSendState(SendStateSize);
            var p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_sendState));
            var msg = (MsgHdr*)p;
            var iov = (IoVec*)(p + sizeof(MsgHdr));
            new ReadOnlySpan<IoVec>(gathered, n).CopyTo(new Span<IoVec>(iov, n));
            *msg = default;
            msg->Iov = iov;
            msg->IovLen = (nuint)n;
            sqe.Opcode = Uring.OpSendMsg;
            sqe.Addr = (ulong)msg;
            sqe.Len = 1;
        }
        _sending = true;
    }

    private static int SendStateSize => sizeof(MsgHdr) + (MaxIov * sizeof(IoVec));

    private void Sent(in Cqe cqe)
    {
        _sending = false;
        if (_sendState is { } state)
        {
            _sendState = null;
            _poller.ReturnSendState(state);
        }
        if (IsDisconnected || HasPendingFailure)
        {
            // Aborted or failed while the send was in flight: the queue was already dropped.
            return;
        }
        var res = cqe.Res;
        if (res < 0)
        {
            if (res is -Errno.EAGAIN or -Errno.EINTR)
            {
                StartFlushing();
                return;
            }
            ConnectionLost(LostBecause("send", -res));
            return;
        }
        Buffer!.Consume(res);
        if (!BufferEmpty)
        {
            StartFlushing();
            return;
        }
        if (Drained() is { } why)
        {
            ConnectionLost(why);
        }
    }

    // A send in flight cannot be called back; its completion sees the pending failure or the closed socket.
    protected override void StopFlushing()
    {
    }

    // Segments a send in flight points at go to the collector, never back to the pool.
    protected override bool BufferReusable => !_sending;

    protected override void ShutdownSend() => LibC.Shutdown(Fd, Sock.SHUT_WR);

    // ---- closing ------------------------------------------------------------------------------------

    // Reading stops with LoseConnection (ReadWanted turns false, so what arrives is dropped); the close is on the next pass.
    protected override void QueueClose() => QueueCallSoon();

    protected override void FlushThenClose()
    {
        // Flushing may take many passes: stop receiving meanwhile. The send's completion asks a paused
        // or pull producer for more, or closes, once the buffer is empty; with nothing queued, that is
        // done on the loop's next pass.
        StopReading();
        if (BufferEmpty)
        {
            QueueDrain();
        }
        else
        {
            StartFlushing();
        }
    }

    /// <summary>A pending failure, else a queued drain, else a close queued by <see cref="QueueClose"/>, else data stashed while paused.</summary>
    protected override void RunPass()
    {
        try
        {
            if (RunPending())
            {
                return;
            }
            if (IsLosingConnection && BufferEmpty)
            {
                ConnectionLost(CleanClose);
                return;
            }
            if (_deliverQueued)
            {
                _deliverQueued = false;
                if (ReadWanted)
                {
                    DeliverStash();
                }
            }
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in DataReceived or a producer callback", e);
            ConnectionLost(new Failure(e));
        }
    }

    protected override void CloseSocket(Failure reason)
    {
        if (!_sending && !BufferEmpty && reason.Value is not ConnectionAborted)
        {
            // Written during this pass and not yet submitted (an echo answered just before the peer's
            // end of file, say): a readiness loop would have sent it from Write already, so hand it to
            // the kernel now, before the close, as far as the socket takes it.
            Buffer!.Flush(Fd);
        }
        if (_receiving || _sending)
        {
            // A request in flight holds the open file: its cancel goes with this pass's submission, which
            // releases the socket; what is still queued for the descriptor never runs.
            _poller.CancelBeforeClose(_slot, Fd, ReceiveOp, SendOp);
        }
        _poller.Detach(_slot);
        _stash = null;
        _stashLength = 0;
        LibC.Close(Fd);
    }

    public override string ToString() => $"UringTcpConnection(fd={Fd}, peer={GetPeer()})";
}
