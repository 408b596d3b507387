using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A connected stream socket on the completion reactor, with the same observable behaviour as the
/// readiness <see cref="TcpConnection"/>. Reading waits with a zero-byte <c>ReceiveAsync</c> (no buffer
/// while idle), then reads synchronously into the loop's shared buffer; after a read that returned data
/// the next read is tried synchronously on the loop's next pass, and only a read that finds nothing
/// goes back to waiting. A busy connection is thus read like a readiness backend reads it, one
/// <c>recv</c> per message with no completion and no thread hop, and an idle one still holds no
/// buffer. Writing tries a synchronous non-blocking send and queues only what the kernel did not take,
/// sent with gathered <c>SendAsync</c> calls until drained. Every completion is handled on the loop
/// thread. The state machine around writing and closing is <see cref="StreamTransport"/>'s.
/// </summary>
internal sealed class SocketsTcpConnection : StreamTransport, ISocketOwner
{
    private const int MaxSendSegments = 32;

    private readonly SocketsReactor _reactor;
    private readonly Socket _socket;
    private readonly SocketOperation _receive;
    private SocketOperation? _send;
    private List<ArraySegment<byte>>? _sendList;
    private bool _readQueued;
    // While an operation is pending the runtime owns its SocketAsyncEventArgs (and, for a send, the
    // queued segments it points at): they are disposed or reused only after the completion arrives.
    private bool _receivePending;
    private bool _sendPending;

    internal SocketsTcpConnection(SocketsReactor reactor, Socket socket, EndPoint peer, bool isUnix = false)
        : base(reactor, reactor.SegmentPool, peer, isUnix)
    {
        _reactor = reactor;
        _socket = socket;
        RuntimeEventThreads.CompleteInline(socket);
        _receive = new SocketOperation(reactor, this);
        _receive.SetBuffer(Memory<byte>.Empty);
    }

    protected override void Register() => _reactor.Register(this);

    /// <summary>Starts waiting for data once the protocol knows it is connected.</summary>
    protected override void Connected() => PostReceive();

    public void Completed(SocketOperation operation)
    {
        try
        {
            if (ReferenceEquals(operation, _receive))
            {
                ReceiveCompleted();
            }
            else
            {
                SendCompleted();
            }
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in DataReceived or a producer callback", e);
            ConnectionLost(new Failure(e));
        }
    }

    // ---- reading ----------------------------------------------------------------------------------

    private bool ReadWanted => !IsDisconnected && !IsLosingConnection && !ReadingPaused && !IsReadShutdown && !HasPendingFailure;

    private void PostReceive()
    {
        if (_receivePending || !ReadWanted)
        {
            return;
        }
        _receivePending = true;
        if (!_socket.ReceiveAsync(_receive))
        {
            // Data is already there: read it on the next pass rather than inside the caller's stack.
            _reactor.CallSoon(_receive);
        }
    }

    private void ReceiveCompleted()
    {
        _receivePending = false;
        if (IsDisconnected)
        {
            _receive.Dispose();
            return;
        }
        if (_receive.SocketError != SocketError.Success)
        {
            ConnectionLost(LostBecause(_receive.SocketError));
            return;
        }
        // Paused or closing: leave the data in the kernel; ResumeProducing posts the next wait.
        if (ReadWanted)
        {
            DoRead();
        }
    }

    private void DoRead()
    {
        var buffer = _reactor.ReceiveBuffer;
        var n = _socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out var error);
        if (error is SocketError.WouldBlock or SocketError.Interrupted)
        {
            PostReceive();
            return;
        }
        if (error != SocketError.Success)
        {
            ConnectionLost(LostBecause(error));
            return;
        }
        if (n == 0)
        {
            if (ReadEndOfFile() is { } why)
            {
                ConnectionLost(why);
            }
            return;
        }
        CountReceived(n);
        Protocol.DataReceived(new ReadOnlySpan<byte>(buffer, 0, n));
        // Not PostReceive: a peer that answers quickly has usually sent more by the next pass, and a
        // synchronous read then costs one recv, where an asynchronous wait costs a peek that finds
        // nothing, an event-thread wake-up and a hand-off to the loop.
        QueueRead();
    }

    private void QueueRead()
    {
        _readQueued = true;
        QueueCallSoon();
    }

    // Nothing to switch off: ReadWanted turns false, so a pending zero-byte receive's completion is
    // ignored and leaves the data in the kernel.
    protected override void StopReading()
    {
    }

    protected override void ResumeReading() => QueueRead();

    private static Failure LostBecause(SocketError error)
    {
        var e = new SocketException((int)error);
        return new Failure(new ConnectionLost(e.Message, e));
    }

    // ---- writing ----------------------------------------------------------------------------------

    protected override int TrySend(ReadOnlySpan<byte> data, out Failure? failure)
    {
        failure = null;
        var sent = _socket.Send(data, SocketFlags.None, out var error);
        if (error == SocketError.Success)
        {
            return sent;
        }
        if (error is not (SocketError.WouldBlock or SocketError.Interrupted))
        {
            failure = LostBecause(error);
        }
        return 0;
    }

    /// <summary>Starts one gathered send of the queue's head, unless one is already in flight.</summary>
    protected override void StartFlushing()
    {
        if (_sendPending || IsDisconnected || HasPendingFailure || BufferEmpty)
        {
            return;
        }
        _send ??= new SocketOperation(_reactor, this);
        _sendList ??= new List<ArraySegment<byte>>(MaxSendSegments);
        Buffer!.Peek(_sendList, MaxSendSegments);
        // The setter copies the list into the operation's own, so _sendList is free to refill next time.
        _send.BufferList = _sendList;
        _sendPending = true;
        if (!_socket.SendAsync(_send))
        {
            _reactor.CallSoon(_send);
        }
    }

    // A send in flight cannot be called back; its completion sees the pending failure or the closed socket.
    protected override void StopFlushing()
    {
    }

    private void SendCompleted()
    {
        var op = _send!;
        _sendPending = false;
        if (IsDisconnected)
        {
            op.Dispose();
            return;
        }
        if (op.SocketError != SocketError.Success)
        {
            ConnectionLost(LostBecause(op.SocketError));
            return;
        }
        if (HasPendingFailure)
        {
            // Aborted or failed while the send was in flight: the queue was already dropped.
            return;
        }
        Buffer!.Consume(op.BytesTransferred);
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

    protected override void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer is already gone; reading will report how.
        }
    }

    // Segments a send still points at go to the collector, never back to the pool.
    protected override bool BufferReusable => !_sendPending;

    // ---- closing ------------------------------------------------------------------------------------

    // Reading stops with LoseConnection (ReadWanted turns false): a pending zero-byte receive's
    // completion is ignored. Close on the loop's next pass, in Drained.
    protected override void QueueClose() => QueueDrain();

    protected override void FlushThenClose()
    {
        // Ask a paused or pull producer for more on the loop's next pass, not inside the caller's
        // stack. With bytes queued, the send in flight ends in Drained instead.
        if (BufferEmpty)
        {
            QueueDrain();
        }
    }

    /// <summary>A pending failure, else a queued drain, then a queued read; an exception loses the connection.</summary>
    protected override void RunPass()
    {
        try
        {
            RunPending();
            if (_readQueued)
            {
                _readQueued = false;
                // A wait already posted delivers the data itself; reading beside it would race it.
                if (ReadWanted && !_receivePending)
                {
                    DoRead();
                }
            }
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in DataReceived or a producer callback", e);
            ConnectionLost(new Failure(e));
        }
    }

    /// <summary>Closes the socket (aborting pending operations).</summary>
    protected override void CloseSocket(Failure reason)
    {
        _reactor.Unregister(this);
        if (reason.Value is not ConnectionAborted)
        {
            // Disposing a socket with a pending receive (there nearly always is one) makes the runtime
            // close abortively, with an RST that destroys data the peer has not read yet, unless the
            // send side was shut down first. So shut it: the peer sees FIN after the last byte, as
            // close(2) gives on the readiness backends. An abort keeps the RST on purpose.
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // Already reset or not connected: nothing left to flush.
            }
        }
        _socket.Dispose();
        if (!_receivePending)
        {
            _receive.Dispose();
        }
        if (!_sendPending)
        {
            _send?.Dispose();
        }
    }

    public void Shutdown(Failure reason) => ConnectionLost(reason);

    // ---- options and addresses ---------------------------------------------------------------------------

    protected override bool NoDelayOption
    {
        get => _socket.NoDelay;
        set => _socket.NoDelay = value;
    }

    protected override bool KeepAliveOption
    {
        get => (int)_socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
        set => _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, value);
    }

    protected override EndPoint LocalAddress() => _socket.LocalEndPoint!;

    public override string ToString() => $"SocketsTcpConnection(peer={GetPeer()})";
}
