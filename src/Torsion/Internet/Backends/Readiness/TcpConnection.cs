using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A connected stream socket on a readiness reactor: the transport a protocol writes to, and the
/// descriptor the reactor calls. The hot path is here: <see cref="DoRead"/> does one recv into the
/// loop's shared buffer and hands the span to the protocol; <see cref="StreamTransport.Write"/> tries
/// one send and buffers only what the kernel did not take. The state machine around writing and
/// closing is <see cref="StreamTransport"/>'s; this class does the descriptor's I/O and its readiness
/// registrations.
/// </summary>
internal sealed unsafe class TcpConnection : DescriptorTransport, IReadDescriptor, IWriteDescriptor
{
    private readonly PosixReactor _reactor;
    // An adopted descriptor is a dup of one its giver may still hold, so closing ours does not take
    // it out of the epoll set: only then is the explicit EPOLL_CTL_DEL needed at close.
    private readonly bool _adopted;
    private bool _writing;

    internal TcpConnection(PosixReactor reactor, int fd, EndPoint peer, bool isUnix = false, bool adopted = false)
        : base(reactor, reactor.SegmentPool, peer, isUnix, fd)
    {
        _adopted = adopted;
        _reactor = reactor;
    }

    public int FileDescriptor => Fd;

    /// <summary>Registers for reading (before the protocol hears ConnectionMade).</summary>
    protected override void Register() => _reactor.AddReader(this);

    // ---- reading ----------------------------------------------------------------------------------

    public Failure? DoRead()
    {
        // After LoseConnection nothing more reaches the protocol (Twisted stops reading then).
        if (IsDisconnected || IsLosingConnection)
        {
            return null;
        }
        var buffer = _reactor.ReceiveBuffer;
        nint n;
        fixed (byte* p = buffer)
        {
            n = LibC.Recv(Fd, p, buffer.Length, Sock.MSG_DONTWAIT);
        }
        if (n > 0)
        {
            CountReceived((int)n);
            Protocol.DataReceived(new ReadOnlySpan<byte>(buffer, 0, (int)n));
            return null;
        }
        if (n == 0)
        {
            return ReadEndOfFile();
        }
        var errno = LibC.LastErrno;
        return errno is Errno.EAGAIN or Errno.EINTR ? null : LostBecause("recv", errno);
    }

    protected override void StopReading() => _reactor.RemoveReader(this);

    protected override void ResumeReading()
    {
        if (!IsDisconnected && !IsLosingConnection && !IsReadShutdown)
        {
            _reactor.AddReader(this);
        }
    }

    // ---- writing ----------------------------------------------------------------------------------

    protected override int TrySend(ReadOnlySpan<byte> data, out Failure? failure) => SendNow(data, out failure);

    /// <summary>Asks for writable events until the buffer drains in <see cref="DoWrite"/>.</summary>
    protected override void StartFlushing()
    {
        if (!_writing && !IsDisconnected)
        {
            _writing = true;
            _reactor.AddWriter(this);
        }
    }

    protected override void StopFlushing()
    {
        if (_writing)
        {
            _writing = false;
            _reactor.RemoveWriter(this);
        }
    }

    public Failure? DoWrite()
    {
        if (Buffer is { IsEmpty: false } buffer)
        {
            var errno = buffer.Flush(Fd);
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
        StopFlushing();
        return Drained();
    }

    protected override void ShutdownSend() => LibC.Shutdown(Fd, Sock.SHUT_WR);

    // ---- closing ------------------------------------------------------------------------------------

    protected override void QueueClose()
    {
        // Without a syscall to ask for writability we already know about. Reading is not switched off
        // either (that would be an epoll_ctl per connection that close(2) makes moot): DoRead ignores
        // a disconnecting connection, and the close (RunPass) comes before the next wait.
        QueueCallSoon();
    }

    protected override void FlushThenClose()
    {
        // Flushing may take many passes: stop reading, or unread data would wake every one. DoWrite
        // asks a paused or pull producer for more, or closes, once the buffer is empty.
        StopReading();
        StartFlushing();
    }

    /// <summary>A pending failure, else a queued drain (what DoWrite does on an empty buffer), else a close queued by <see cref="QueueClose"/>.</summary>
    protected override void RunPass()
    {
        if (!RunPending() && IsLosingConnection && BufferEmpty)
        {
            ConnectionLost(CleanClose);
        }
    }

    protected override void CloseSocket(Failure reason)
    {
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
        LibC.Close(Fd);
    }

    public override string ToString() => $"TcpConnection(fd={Fd}, peer={GetPeer()})";
}
