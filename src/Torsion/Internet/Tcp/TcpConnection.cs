using System.Net;
using Torsion.Defer;
using Torsion.Internet.Backends;
using Torsion.Internet.Posix;

namespace Torsion.Internet.Tcp;

/// <summary>
/// A connected stream socket on a readiness reactor: the transport a protocol writes to, and the
/// descriptor the reactor calls. The hot path is here: <see cref="DoRead"/> does one recv into the
/// loop's shared buffer and hands the span to the protocol; <see cref="Write"/> tries one send and
/// buffers only what the kernel did not take.
/// </summary>
internal sealed unsafe class TcpConnection : IReadDescriptor, IWriteDescriptor, ITcpTransport, ILoopCallback, Tls.IProtocolSwappable
{
    /// <summary>Twisted's bufferSize: above this many buffered bytes a streaming producer is paused.</summary>
    internal const int HighWaterMark = 64 * 1024;

    // One Failure for every clean close, as Twisted shares connectionDone: a Failure is immutable, and
    // capturing a fresh one per connection (ExceptionDispatchInfo) was a visible share of a
    // short connection's cost in the burst benchmark.
    private static readonly Failure CleanClose = new(new ConnectionDone());

    private readonly PosixReactor _reactor;
    private readonly int _fd;
    private readonly EndPoint _peer;
    private readonly bool _isUnix;
    // An adopted descriptor is a dup of one its giver may still hold, so closing ours does not take
    // it out of the epoll set: only then is the explicit EPOLL_CTL_DEL needed at close.
    private readonly bool _adopted;
    private IProtocol _protocol = null!;
    private EndPoint? _host;
    private WriteBuffer? _buffer;
    private IProducer? _producer;
    private Failure? _pendingFailure;
    private bool _streaming;
    private bool _producerPaused;
    private bool _writing;
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

    internal TcpConnection(PosixReactor reactor, int fd, EndPoint peer, bool isUnix = false, bool adopted = false)
    {
        _adopted = adopted;
        _isUnix = isUnix;
        _reactor = reactor;
        _fd = fd;
        _peer = peer;
    }

    /// <summary>Set for client connections, so the factory hears ClientConnectionLost.</summary>
    internal TcpConnector? Connector { get; set; }

    public int FileDescriptor => _fd;

    internal IProtocol Protocol => _protocol;

    IProtocol Tls.IProtocolSwappable.Protocol => _protocol;

    /// <summary>StartTls: reads go to the TLS layer from the next one; the write buffer is untouched, so plain bytes already queued go out first.</summary>
    void Tls.IProtocolSwappable.SwapProtocol(IProtocol protocol) => _protocol = protocol;

    /// <summary>Registers for reading and tells the protocol it is connected.</summary>
    internal void Start(IProtocol protocol)
    {
        _protocol = protocol;
        _reactor.AddReader(this);
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
    }

    // ---- reading ----------------------------------------------------------------------------------

    public Failure? DoRead()
    {
        // After LoseConnection nothing more reaches the protocol (Twisted stops reading then).
        if (_disconnected || _disconnecting)
        {
            return null;
        }
        var buffer = _reactor.ReceiveBuffer;
        nint n;
        fixed (byte* p = buffer)
        {
            n = LibC.Recv(_fd, p, buffer.Length, Sock.MSG_DONTWAIT);
        }
        if (n > 0)
        {
            _protocol.DataReceived(new ReadOnlySpan<byte>(buffer, 0, (int)n));
            return null;
        }
        if (n == 0)
        {
            return ReadEndOfFile();
        }
        var errno = LibC.LastErrno;
        return errno is Errno.EAGAIN or Errno.EINTR ? null : LostBecause("recv", errno);
    }

    private Failure? ReadEndOfFile()
    {
        if (_protocol is IHalfCloseableProtocol half && !_disconnecting)
        {
            _readShutdown = true;
            _reactor.RemoveReader(this);
            half.ReadConnectionLost();
            return _writeShutdown ? CleanClose : null;
        }
        return CleanClose;
    }

    private static Failure LostBecause(string call, int errno) =>
        new(new ConnectionLost(LibC.StrError(errno), new SystemCallException(call, errno)));

    // ---- writing ----------------------------------------------------------------------------------

    public void Write(ReadOnlySpan<byte> data)
    {
        if (_disconnected || _writeShutdownRequested || data.IsEmpty || _pendingFailure is not null)
        {
            return;
        }
        if (_buffer is null || _buffer.IsEmpty)
        {
            nint sent;
            fixed (byte* p = data)
            {
                sent = LibC.Send(_fd, p, data.Length, Sock.MSG_NOSIGNAL | Sock.MSG_DONTWAIT);
            }
            if (sent == data.Length)
            {
                // All sent at once, so no writable event will report a drain; a pull producer is
                // still owed its "ask me again" (on the next pass, never inside its own call).
                // (The null test first: an interface type test is a helper call even on null.)
                if (_producer is not null && !_streaming && _producer is IPullProducer)
                {
                    _drainQueued = true;
                    QueueCallSoon();
                }
                return;
            }
            if (sent < 0)
            {
                var errno = LibC.LastErrno;
                if (errno is not (Errno.EAGAIN or Errno.EINTR))
                {
                    // The write cannot fail in the caller's face (Twisted's contract); the
                    // connection is lost on the next pass instead.
                    FailSoon(LostBecause("send", errno));
                    return;
                }
                sent = 0;
            }
            data = data[(int)sent..];
        }
        (_buffer ??= new WriteBuffer(_reactor.SegmentPool)).Append(data);
        StartWriting();
        if (_buffer.Length > HighWaterMark && _producer is IPushProducer push && _streaming && !_producerPaused)
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

    private void StartWriting()
    {
        if (!_writing && !_disconnected)
        {
            _writing = true;
            _reactor.AddWriter(this);
        }
    }

    private void StopWriting()
    {
        if (_writing)
        {
            _writing = false;
            _reactor.RemoveWriter(this);
        }
    }

    public Failure? DoWrite()
    {
        if (_buffer is { IsEmpty: false } buffer)
        {
            var errno = buffer.Flush(_fd);
            if (errno != 0)
            {
                return LostBecause("sendmsg", errno);
            }
            if (!buffer.IsEmpty)
            {
                return null;
            }
        }
        // Drained.
        StopWriting();
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
        LibC.Shutdown(_fd, Sock.SHUT_WR);
        if (_protocol is IHalfCloseableProtocol half)
        {
            half.WriteConnectionLost();
        }
    }

    private bool BufferEmpty => _buffer is null || _buffer.IsEmpty;

    // ---- closing ------------------------------------------------------------------------------------

    public bool Disconnecting => _disconnecting || _disconnected || _pendingFailure is not null;

    public void LoseConnection()
    {
        if (_disconnected || _disconnecting)
        {
            return;
        }
        _disconnecting = true;
        if (BufferEmpty && (_producer is null || (_streaming && !_producerPaused)))
        {
            // Close on the loop's next pass, not inside the caller's stack, and without a
            // syscall to ask for writability we already know about. Reading is not switched off
            // either (that would be an epoll_ctl per connection that close(2) makes moot): DoRead
            // ignores a disconnecting connection, and the close comes before the next wait.
            QueueCallSoon();
        }
        else
        {
            // Flushing may take many passes: stop reading, or unread data would wake every one.
            StopReading();
            StartWriting();
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
        else
        {
            StartWriting();
        }
    }

    public void AbortConnection()
    {
        if (_disconnected)
        {
            return;
        }
        _buffer?.Clear();
        StopReading();
        StopWriting();
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
        if (_pendingFailure is not null)
        {
            ConnectionLost(_pendingFailure);
        }
        else if (_drainQueued && BufferEmpty)
        {
            _drainQueued = false;
            if (DoWrite() is { } why)
            {
                ConnectionLost(why);
            }
        }
        else if (_disconnecting && BufferEmpty)
        {
            ConnectionLost(CleanClose);
        }
    }

    /// <summary>Tears down: unregisters, closes the descriptor, and tells the protocol and the producer.</summary>
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
        if (_adopted)
        {
            _reactor.RemoveReader(this);
            _reactor.RemoveWriter(this);
        }
        else
        {
            _reactor.RemoveClosing(this);
        }
        _writing = false;
        LibC.Close(_fd);
        _buffer?.Clear();
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

    private void StopReading()
    {
        _reactor.RemoveReader(this);
    }

    public void PauseProducing()
    {
        _readingPaused = true;
        StopReading();
    }

    public void ResumeProducing()
    {
        _readingPaused = false;
        if (!_disconnected && !_disconnecting && !_readShutdown)
        {
            _reactor.AddReader(this);
        }
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
            QueueCallSoon();
        }
    }

    // ---- options and addresses ---------------------------------------------------------------------------

    public bool TcpNoDelay
    {
        get => !_isUnix && PosixSocket.GetInt(_fd, Sock.IPPROTO_TCP, Sock.TCP_NODELAY) != 0;
        set
        {
            NotOnUnix(nameof(TcpNoDelay));
            PosixSocket.SetInt(_fd, Sock.IPPROTO_TCP, Sock.TCP_NODELAY, value ? 1 : 0);
        }
    }

    public bool TcpKeepAlive
    {
        get => !_isUnix && PosixSocket.GetInt(_fd, Sock.SOL_SOCKET, Sock.SO_KEEPALIVE) != 0;
        set
        {
            NotOnUnix(nameof(TcpKeepAlive));
            PosixSocket.SetInt(_fd, Sock.SOL_SOCKET, Sock.SO_KEEPALIVE, value ? 1 : 0);
        }
    }

    private void NotOnUnix(string option)
    {
        if (_isUnix)
        {
            throw new NotSupportedException($"{option} is a TCP option; this is a Unix socket.");
        }
    }

    /// <summary>True while reading is paused by <see cref="PauseProducing"/>.</summary>
    internal bool ReadingPaused => _readingPaused;

    /// <summary>Bytes written but not yet taken by the kernel; what flow control keeps bounded.</summary>
    internal long BufferedBytes => _buffer?.Length ?? 0;

    public EndPoint GetPeer() => _peer;

    public EndPoint GetHost() => _host ??= PosixSocket.GetSockName(_fd);

    public override string ToString() => $"TcpConnection(fd={_fd}, peer={_peer})";
}
