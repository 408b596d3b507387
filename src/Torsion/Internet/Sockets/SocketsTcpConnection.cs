using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet.Backends;
using Torsion.Internet.Tcp;

namespace Torsion.Internet.Sockets;

/// <summary>
/// A connected stream socket on the completion reactor, with the same observable behaviour as the
/// readiness <see cref="TcpConnection"/>. Reading waits with a zero-byte <c>ReceiveAsync</c> (no buffer
/// while idle), then reads synchronously into the loop's shared buffer; after a read that returned data
/// the next read is tried synchronously on the loop's next pass, and only a read that finds nothing
/// goes back to waiting. A busy connection is thus read like a readiness backend reads it, one
/// <c>recv</c> per message with no completion and no thread hop, and an idle one still holds no
/// buffer. Writing tries a synchronous non-blocking send and queues only what the kernel did not take,
/// sent with gathered <c>SendAsync</c> calls until drained. Every completion is handled on the loop
/// thread.
/// </summary>
internal sealed class SocketsTcpConnection : ITcpTransport, ISocketOwner, ILoopCallback, Tls.IProtocolSwappable
{
    private const int MaxSendSegments = 32;

    // One Failure for every clean close, as Twisted shares connectionDone: a Failure is immutable, and
    // capturing a fresh one per connection (ExceptionDispatchInfo) was a visible share of a
    // short connection's cost in the burst benchmark.
    private static readonly Failure CleanClose = new(new ConnectionDone());

    private readonly SocketsReactor _reactor;
    private readonly Socket _socket;
    private readonly bool _isUnix;
    private readonly EndPoint _peer;
    private readonly SocketOperation _receive;
    private SocketOperation? _send;
    private List<ArraySegment<byte>>? _sendList;
    private IProtocol _protocol = null!;
    private EndPoint? _host;
    private WriteBuffer? _buffer;
    private IProducer? _producer;
    private Failure? _pendingFailure;
    private bool _streaming;
    private bool _producerPaused;
    private bool _readingPaused;
    private bool _disconnecting;
    private bool _disconnected;
    // Set once Start counted this connection in the reactor's OpenConnections, so teardown uncounts it exactly once.
    private bool _counted;
    private bool _writeShutdownRequested;
    private bool _writeShutdown;
    private bool _readShutdown;
    private bool _callSoonQueued;
    private bool _drainQueued;
    private bool _readQueued;
    // While an operation is pending the runtime owns its SocketAsyncEventArgs (and, for a send, the
    // queued segments it points at): they are disposed or reused only after the completion arrives.
    private bool _receivePending;
    private bool _sendPending;

    internal SocketsTcpConnection(SocketsReactor reactor, Socket socket, EndPoint peer, bool isUnix = false)
    {
        _isUnix = isUnix;
        _reactor = reactor;
        _socket = socket;
        _peer = peer;
        RuntimeEventThreads.CompleteInline(socket);
        _receive = new SocketOperation(reactor, this);
        _receive.SetBuffer(Memory<byte>.Empty);
    }

    /// <summary>Set for client connections, so the factory hears ClientConnectionLost.</summary>
    internal SocketsTcpConnector? Connector { get; set; }

    /// <summary>Tells the protocol it is connected, then starts waiting for data.</summary>
    internal void Start(IProtocol protocol)
    {
        _protocol = protocol;
        _reactor.Register(this);
        _counted = true;
        _reactor.ConnectionOpened();
        try
        {
            protocol.MakeConnection(this);
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in ConnectionMade", e);
            FailSoon(new Failure(e));
        }
        PostReceive();
    }

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

    private bool ReadWanted => !_disconnected && !_disconnecting && !_readingPaused && !_readShutdown && _pendingFailure is null;

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
        if (_disconnected)
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
            ReadEndOfFile();
            return;
        }
        _protocol.DataReceived(new ReadOnlySpan<byte>(buffer, 0, n));
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

    private void ReadEndOfFile()
    {
        if (_protocol is IHalfCloseableProtocol half && !_disconnecting)
        {
            _readShutdown = true;
            half.ReadConnectionLost();
            if (_writeShutdown)
            {
                ConnectionLost(CleanClose);
            }
            return;
        }
        ConnectionLost(CleanClose);
    }

    private static Failure LostBecause(SocketError error)
    {
        var e = new SocketException((int)error);
        return new Failure(new ConnectionLost(e.Message, e));
    }

    // ---- writing ----------------------------------------------------------------------------------

    private bool BufferEmpty => _buffer is null || _buffer.IsEmpty;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (_disconnected || _writeShutdownRequested || data.IsEmpty || _pendingFailure is not null)
        {
            return;
        }
        if (BufferEmpty)
        {
            var sent = _socket.Send(data, SocketFlags.None, out var error);
            if (error == SocketError.Success && sent == data.Length)
            {
                // All sent at once, so no completion will report a drain; a pull producer is still
                // owed its "ask me again" (on the next pass, never inside its own call).
                if (_producer is not null && !_streaming && _producer is IPullProducer)
                {
                    _drainQueued = true;
                    QueueCallSoon();
                }
                return;
            }
            if (error is not (SocketError.Success or SocketError.WouldBlock or SocketError.Interrupted))
            {
                // The write cannot fail in the caller's face (Twisted's contract); the connection
                // is lost on the next pass instead.
                FailSoon(LostBecause(error));
                return;
            }
            data = data[(error == SocketError.Success ? sent : 0)..];
        }
        (_buffer ??= new WriteBuffer(_reactor.SegmentPool)).Append(data);
        StartSending();
        if (_buffer.Length > TcpConnection.HighWaterMark && _producer is IPushProducer push && _streaming && !_producerPaused)
        {
            _producerPaused = true;
            push.PauseProducing();
        }
    }

    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        foreach (var chunk in data)
        {
            Write(chunk.Span);
        }
    }

    /// <summary>Starts one gathered send of the queue's head, unless one is already in flight.</summary>
    private void StartSending()
    {
        if (_sendPending || _disconnected || _pendingFailure is not null || BufferEmpty)
        {
            return;
        }
        _send ??= new SocketOperation(_reactor, this);
        _sendList ??= new List<ArraySegment<byte>>(MaxSendSegments);
        _buffer!.Peek(_sendList, MaxSendSegments);
        // The setter copies the list into the operation's own, so _sendList is free to refill next time.
        _send.BufferList = _sendList;
        _sendPending = true;
        if (!_socket.SendAsync(_send))
        {
            _reactor.CallSoon(_send);
        }
    }

    private void SendCompleted()
    {
        var op = _send!;
        _sendPending = false;
        if (_disconnected)
        {
            op.Dispose();
            return;
        }
        if (op.SocketError != SocketError.Success)
        {
            ConnectionLost(LostBecause(op.SocketError));
            return;
        }
        if (_pendingFailure is not null)
        {
            // Aborted or failed while the send was in flight: the queue was already dropped.
            return;
        }
        _buffer!.Consume(op.BytesTransferred);
        if (!BufferEmpty)
        {
            StartSending();
            return;
        }
        Drained();
    }

    /// <summary>Everything written has been sent: resume the producer, or finish a close or half-close.</summary>
    private void Drained()
    {
        if (_producer is not null && (!_streaming || _producerPaused))
        {
            _producerPaused = false;
            if (_producer is IPushProducer push)
            {
                push.ResumeProducing();
            }
            else if (_producer is IPullProducer pull)
            {
                pull.ResumeProducing();
            }
            return;
        }
        if (_disconnecting)
        {
            ConnectionLost(CleanClose);
            return;
        }
        if (_writeShutdownRequested && !_writeShutdown)
        {
            ShutdownWrite();
            if (_readShutdown)
            {
                ConnectionLost(CleanClose);
            }
        }
    }

    private void ShutdownWrite()
    {
        _writeShutdown = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer is already gone; reading will report how.
        }
        if (_protocol is IHalfCloseableProtocol half)
        {
            half.WriteConnectionLost();
        }
    }

    // ---- closing ------------------------------------------------------------------------------------

    public void LoseConnection()
    {
        if (_disconnected || _disconnecting)
        {
            return;
        }
        // Reading stops here (ReadWanted turns false): a pending zero-byte receive's completion is ignored.
        _disconnecting = true;
        if (BufferEmpty)
        {
            // Close (or ask a paused or pull producer for more) on the loop's next pass, not inside
            // the caller's stack. With bytes queued, the send in flight ends in Drained instead.
            QueueDrain();
        }
    }

    public void LoseWriteConnection()
    {
        if (_disconnected || _writeShutdownRequested)
        {
            return;
        }
        _writeShutdownRequested = true;
        if (BufferEmpty)
        {
            ShutdownWrite();
            if (_readShutdown)
            {
                FailSoon(CleanClose);
            }
        }
    }

    public void AbortConnection()
    {
        if (_disconnected)
        {
            return;
        }
        // Segments a send still points at go to the collector, never back to the pool.
        _buffer?.Clear(reuse: !_sendPending);
        FailSoon(new Failure(new ConnectionAborted()));
    }

    private void FailSoon(Failure reason)
    {
        _pendingFailure ??= reason;
        QueueCallSoon();
        // From here on writes are dropped, so the buffer can never pass the high-water mark: pause a
        // streaming producer now, or one that writes "until paused" would loop forever before the
        // loop ever gets to report the loss (and StopProducing) on its next pass.
        if (_producer is IPushProducer push && _streaming && !_producerPaused)
        {
            _producerPaused = true;
            push.PauseProducing();
        }
    }

    private void QueueDrain()
    {
        _drainQueued = true;
        QueueCallSoon();
    }

    private void QueueCallSoon()
    {
        if (!_callSoonQueued)
        {
            _callSoonQueued = true;
            _reactor.CallSoon(this);
        }
    }

    void ILoopCallback.Run()
    {
        _callSoonQueued = false;
        if (_disconnected)
        {
            return;
        }
        try
        {
            if (_pendingFailure is not null)
            {
                ConnectionLost(_pendingFailure);
                return;
            }
            if (_drainQueued)
            {
                _drainQueued = false;
                if (BufferEmpty)
                {
                    Drained();
                }
            }
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

    /// <summary>Tears down: closes the socket (aborting pending operations), and tells the protocol and the producer.</summary>
    internal void ConnectionLost(Failure reason)
    {
        if (_disconnected)
        {
            return;
        }
        _disconnected = true;
        if (_counted)
        {
            _counted = false;
            _reactor.ConnectionClosed();
        }
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
        _buffer?.Clear(reuse: !_sendPending);
        _buffer = null;
        var producer = _producer;
        _producer = null;
        try
        {
            producer?.StopProducing();
        }
        catch (Exception e)
        {
            ReactorBase.LogError("Unhandled error in StopProducing", e);
        }
        try
        {
            _protocol.ConnectionLost(reason);
        }
        finally
        {
            Connector?.ConnectionLost(reason);
        }
    }

    public void Shutdown(Failure reason) => ConnectionLost(reason);

    // ---- transport as a producer (pausing reads) ----------------------------------------------------

    public void PauseProducing() => _readingPaused = true;

    public void ResumeProducing()
    {
        _readingPaused = false;
        QueueRead();
    }

    public void StopProducing() => LoseConnection();

    // ---- consumer --------------------------------------------------------------------------------------

    public void RegisterProducer(IProducer producer, bool streaming)
    {
        ProducerRegistration.Check(_producer, producer, streaming);
        if (_disconnected)
        {
            producer.StopProducing();
            return;
        }
        _producer = producer;
        _streaming = streaming;
        _producerPaused = false;
        if (!streaming)
        {
            ((IPullProducer)producer).ResumeProducing();
        }
    }

    public void UnregisterProducer()
    {
        _producer = null;
        if (_disconnecting && BufferEmpty)
        {
            QueueDrain();
        }
    }

    // ---- options and addresses ---------------------------------------------------------------------------

    public bool TcpNoDelay
    {
        get => !_isUnix && _socket.NoDelay;
        set
        {
            NotOnUnix(nameof(TcpNoDelay));
            _socket.NoDelay = value;
        }
    }

    public bool TcpKeepAlive
    {
        get => !_isUnix && (int)_socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
        set
        {
            NotOnUnix(nameof(TcpKeepAlive));
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, value);
        }
    }

    private void NotOnUnix(string option)
    {
        if (_isUnix)
        {
            throw new NotSupportedException($"{option} is a TCP option; this is a Unix socket.");
        }
    }

    IProtocol Tls.IProtocolSwappable.Protocol => _protocol;

    void Tls.IProtocolSwappable.SwapProtocol(IProtocol protocol) => _protocol = protocol;

    /// <summary>Bytes written but not yet sent, including a send in flight; what flow control keeps bounded.</summary>
    internal long BufferedBytes => _buffer?.Length ?? 0;

    public bool Disconnecting => _disconnecting || _disconnected || _pendingFailure is not null;

    public EndPoint GetPeer() => _peer;

    public EndPoint GetHost() => _host ??= _socket.LocalEndPoint!;

    public override string ToString() => $"SocketsTcpConnection(peer={_peer})";
}
