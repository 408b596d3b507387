using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What both backends' connected stream sockets share (Twisted's <c>abstract.FileDescriptor</c> and
/// <c>tcp.Connection</c>): the state machine around writing and closing. That is the direct send
/// and buffering of <see cref="Write"/> with the high-water-mark pause of a streaming producer, the
/// producer registration and <see cref="Drained"/> (resume a paused or pull producer, or finish a
/// close or a half-close), the failure and drain reported on the loop's next pass, the
/// close, half-close and abort decisions, and the teardown order. A backend supplies only its I/O:
/// how one send is tried, how the buffer is flushed, how reading stops and resumes, how the send
/// side is shut and how the socket is closed.
/// </summary>
internal abstract class StreamTransport : ITcpTransport, ILoopCallback, IProtocolSwappable
{
    /// <summary>Twisted's bufferSize: above this many buffered bytes a streaming producer is paused.</summary>
    internal const int HighWaterMark = 64 * 1024;

    /// <summary>
    /// One Failure for every clean close, as Twisted shares connectionDone: a Failure is immutable, and
    /// capturing a fresh one per connection (ExceptionDispatchInfo) was a visible share of a
    /// short connection's cost in the burst benchmark.
    /// </summary>
    protected static readonly Failure CleanClose = new(new ConnectionDone());

    private readonly ReactorBase _reactor;
    private readonly ReactorCounters _counters;
    private readonly SegmentPool _segmentPool;
    private readonly EndPoint _peer;
    private readonly bool _isUnix;
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

    /// <summary>A connection to <paramref name="peer"/> on <paramref name="reactor"/>, buffering in <paramref name="segmentPool"/>'s segments.</summary>
    protected StreamTransport(ReactorBase reactor, SegmentPool segmentPool, EndPoint peer, bool isUnix)
    {
        _reactor = reactor;
        _counters = reactor.Counters;
        _segmentPool = segmentPool;
        _peer = peer;
        _isUnix = isUnix;
    }

    /// <summary>Set for client connections, so the factory hears ClientConnectionLost.</summary>
    internal StreamConnector? Connector { get; set; }

    /// <summary>The protocol data is delivered to (the TLS layer's after StartTls).</summary>
    internal IProtocol Protocol => _protocol;

    IProtocol IProtocolSwappable.Protocol => _protocol;

    /// <summary>StartTls: reads go to the TLS layer from the next one; the write buffer is untouched, so plain bytes already queued go out first.</summary>
    void IProtocolSwappable.SwapProtocol(IProtocol protocol) => _protocol = protocol;

    /// <summary>True while reading is paused by <see cref="PauseProducing"/>.</summary>
    internal bool ReadingPaused => _readingPaused;

    /// <summary>Bytes written but not yet taken by the kernel (on the sockets backend including a send in flight); what flow control keeps bounded.</summary>
    internal long BufferedBytes => _buffer?.Length ?? 0;

    /// <summary>The queue of bytes the kernel has not taken yet, if one was ever needed.</summary>
    protected WriteBuffer? Buffer => _buffer;

    /// <summary>Nothing is queued for sending.</summary>
    protected bool BufferEmpty => _buffer is null || _buffer.IsEmpty;

    /// <summary>Torn down: the socket is closed and the protocol told.</summary>
    protected bool IsDisconnected => _disconnected;

    /// <summary>LoseConnection was called: nothing more reaches the protocol, and the close follows the flush.</summary>
    protected bool IsLosingConnection => _disconnecting;

    /// <summary>A failure (or an abort) waits to be reported on the loop's next pass.</summary>
    protected bool HasPendingFailure => _pendingFailure is not null;

    /// <summary>The peer's end of file was delivered to a half-closeable protocol.</summary>
    protected bool IsReadShutdown => _readShutdown;

    /// <summary>Registers, tells the protocol it is connected, then lets the backend start reading.</summary>
    internal void Start(IProtocol protocol)
    {
        _protocol = protocol;
        Register();
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
        Connected();
    }

    // ---- backend hooks ------------------------------------------------------------------------------

    /// <summary>Makes the connection known to the reactor (before the protocol hears ConnectionMade).</summary>
    protected abstract void Register();

    /// <summary>Called after ConnectionMade; a backend that reads only on request starts here.</summary>
    protected virtual void Connected()
    {
    }

    /// <summary>
    /// Tries one non-blocking send of <paramref name="data"/> and returns how many bytes the kernel
    /// took (0 when it would block). A hard error sets <paramref name="failure"/>.
    /// </summary>
    protected abstract int TrySend(ReadOnlySpan<byte> data, out Failure? failure);

    /// <summary>The buffer has bytes: have them flushed (a no-op if a flush is already under way).</summary>
    protected abstract void StartFlushing();

    /// <summary>The buffer is empty, or dropped: stop whatever watches for writability.</summary>
    protected abstract void StopFlushing();

    /// <summary>Stop delivering data (paused, closing, or end of file seen).</summary>
    protected abstract void StopReading();

    /// <summary>ResumeProducing: deliver data again, if the connection still reads.</summary>
    protected abstract void ResumeReading();

    /// <summary>LoseConnection with bytes still queued or a paused or pull producer to ask for more first.</summary>
    protected abstract void FlushThenClose();

    /// <summary>LoseConnection (or UnregisterProducer while closing) with nothing left to send: close on the next pass.</summary>
    protected abstract void QueueClose();

    /// <summary>Shuts the send side of the socket (half-close); the peer sees end of file.</summary>
    protected abstract void ShutdownSend();

    /// <summary>Unregisters from the reactor and closes the socket, for <paramref name="reason"/>.</summary>
    protected abstract void CloseSocket(Failure reason);

    /// <summary>Whether the buffer's segments may go back to the pool when it is dropped.</summary>
    protected virtual bool BufferReusable => true;

    /// <summary>What the loop's pass for this connection does (see <see cref="RunPending"/>).</summary>
    protected abstract void RunPass();

    /// <summary>The socket's TCP_NODELAY (only asked on a TCP socket).</summary>
    protected abstract bool NoDelayOption { get; set; }

    /// <summary>The socket's SO_KEEPALIVE (only asked on a TCP socket).</summary>
    protected abstract bool KeepAliveOption { get; set; }

    /// <summary>The socket's local address.</summary>
    protected abstract EndPoint LocalAddress();

    // ---- reading ----------------------------------------------------------------------------------

    /// <summary>Counts <paramref name="bytes"/> read from the socket (one plain add: metrics read the total when collected).</summary>
    protected void CountReceived(int bytes) => _counters.StreamBytesReceived += bytes;

    /// <summary>
    /// The peer sent end of file: a half-closeable protocol is told and the connection stays open for
    /// writing (closed only if the write side is shut too); any other protocol loses the connection.
    /// </summary>
    protected Failure? ReadEndOfFile()
    {
        if (_protocol is IHalfCloseableProtocol half && !_disconnecting)
        {
            _readShutdown = true;
            StopReading();
            half.ReadConnectionLost();
            return _writeShutdown ? CleanClose : null;
        }
        return CleanClose;
    }

    // ---- writing ----------------------------------------------------------------------------------

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        if (_disconnected || _writeShutdownRequested || data.IsEmpty || _pendingFailure is not null)
        {
            return;
        }
        if (BufferEmpty)
        {
            var sent = TrySend(data, out var failure);
            _counters.StreamBytesSent += sent;
            if (sent == data.Length)
            {
                // All sent at once, so no writable event or completion will report a drain; a pull
                // producer is still owed its "ask me again" (on the next pass, never inside its own call).
                // (The null test first: an interface type test is a helper call even on null.)
                if (_producer is not null && !_streaming && _producer is IPullProducer)
                {
                    _drainQueued = true;
                    QueueCallSoon();
                }
                return;
            }
            if (failure is not null)
            {
                // The write cannot fail in the caller's face (Twisted's contract); the connection is
                // lost on the next pass instead.
                FailSoon(failure);
                return;
            }
            data = data[sent..];
        }
        (_buffer ??= new WriteBuffer(_segmentPool, _counters)).Append(data);
        StartFlushing();
        if (_buffer.Length > HighWaterMark && _producer is IPushProducer push && _streaming && !_producerPaused)
        {
            _producerPaused = true;
            push.PauseProducing();
        }
    }

    /// <inheritdoc />
    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        foreach (var chunk in data)
        {
            Write(chunk.Span);
        }
    }

    /// <summary>
    /// Everything written has been sent: resume the producer, or finish a close or half-close. Returns
    /// the reason to lose the connection now, if it is to be lost.
    /// </summary>
    protected Failure? Drained()
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
            return null;
        }
        if (_disconnecting)
        {
            return CleanClose;
        }
        if (_writeShutdownRequested && !_writeShutdown)
        {
            ShutdownWrite();
            if (_readShutdown)
            {
                return CleanClose;
            }
        }
        return null;
    }

    private void ShutdownWrite()
    {
        _writeShutdown = true;
        ShutdownSend();
        if (_protocol is IHalfCloseableProtocol half)
        {
            half.WriteConnectionLost();
        }
    }

    // ---- closing ------------------------------------------------------------------------------------

    /// <inheritdoc />
    public bool Disconnecting => _disconnecting || _disconnected || _pendingFailure is not null;

    /// <inheritdoc />
    public void LoseConnection()
    {
        if (_disconnected || _disconnecting)
        {
            return;
        }
        _disconnecting = true;
        if (BufferEmpty && (_producer is null || (_streaming && !_producerPaused)))
        {
            // Close on the loop's next pass, not inside the caller's stack.
            QueueClose();
        }
        else
        {
            FlushThenClose();
        }
    }

    /// <inheritdoc />
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
        else
        {
            // The shutdown follows the flush, in Drained.
            StartFlushing();
        }
    }

    /// <inheritdoc />
    public void AbortConnection()
    {
        if (_disconnected)
        {
            return;
        }
        _buffer?.Clear(reuse: BufferReusable);
        StopReading();
        StopFlushing();
        FailSoon(new Failure(new ConnectionAborted()));
    }

    /// <summary>Loses the connection for <paramref name="reason"/> on the loop's next pass (the first reason wins).</summary>
    protected void FailSoon(Failure reason)
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

    /// <summary>Runs <see cref="Drained"/> on the loop's next pass, if the buffer is still empty then.</summary>
    protected void QueueDrain()
    {
        _drainQueued = true;
        QueueCallSoon();
    }

    /// <summary>Asks for one <see cref="RunPass"/> on the loop's next pass (at most one is queued).</summary>
    protected void QueueCallSoon()
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
        RunPass();
    }

    /// <summary>
    /// The shared part of a pass: a pending failure loses the connection; else a queued drain, with the
    /// buffer still empty, stops flushing and runs <see cref="Drained"/>. Returns whether either happened.
    /// </summary>
    protected bool RunPending()
    {
        if (_pendingFailure is not null)
        {
            ConnectionLost(_pendingFailure);
            return true;
        }
        if (_drainQueued)
        {
            _drainQueued = false;
            if (BufferEmpty)
            {
                StopFlushing();
                if (Drained() is { } why)
                {
                    ConnectionLost(why);
                }
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Tears down, in Twisted's order: uncounts the connection once, closes the socket, drops the
    /// buffer, stops the producer, then tells the protocol and last the connector.
    /// </summary>
    public void ConnectionLost(Failure reason)
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
        CloseSocket(reason);
        _buffer?.Clear(reuse: BufferReusable);
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

    // ---- transport as a producer (pausing reads) ----------------------------------------------------

    /// <inheritdoc />
    public void PauseProducing()
    {
        _readingPaused = true;
        StopReading();
    }

    /// <inheritdoc />
    public void ResumeProducing()
    {
        _readingPaused = false;
        ResumeReading();
    }

    /// <inheritdoc />
    public void StopProducing() => LoseConnection();

    // ---- consumer --------------------------------------------------------------------------------------

    /// <inheritdoc />
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

    /// <inheritdoc />
    public void UnregisterProducer()
    {
        _producer = null;
        if (_disconnecting && BufferEmpty)
        {
            QueueClose();
        }
    }

    // ---- options and addresses ---------------------------------------------------------------------------

    /// <inheritdoc />
    public bool TcpNoDelay
    {
        get => !_isUnix && NoDelayOption;
        set
        {
            NotOnUnix(nameof(TcpNoDelay));
            NoDelayOption = value;
        }
    }

    /// <inheritdoc />
    public bool TcpKeepAlive
    {
        get => !_isUnix && KeepAliveOption;
        set
        {
            NotOnUnix(nameof(TcpKeepAlive));
            KeepAliveOption = value;
        }
    }

    private void NotOnUnix(string option)
    {
        if (_isUnix)
        {
            throw new NotSupportedException($"{option} is a TCP option; this is a Unix socket.");
        }
    }

    /// <inheritdoc />
    public EndPoint GetPeer() => _peer;

    /// <inheritdoc />
    public EndPoint GetHost() => _host ??= LocalAddress();
}
