using System.Buffers.Binary;
using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A listening stream socket (TCP, or Unix with <see cref="UnixListenOptions"/>) on a readiness reactor:
/// a raw descriptor registered for readability, each readable event accepting up to
/// <see cref="StreamPort.AcceptsPerPass"/> connections. On the io_uring loop it accepts through the
/// ring instead: one multishot IORING_OP_ACCEPT posts a completion per connection with no system call
/// of its own, and is armed again when the kernel ends it (an error, or accepting was paused by the
/// back-off). The state around it is <see cref="StreamPort"/>'s.
/// </summary>
internal sealed unsafe class TcpPort : StreamPort, IReadDescriptor, ICompletion
{
    private const byte AcceptOp = 1;

    private readonly PosixReactor _reactor;
    private readonly UringPoller? _uring;
    private int _fd = -1;
    private int _slot = -1;
    // A multishot accept is queued or in flight (until its last completion).
    private bool _accepting;

    internal TcpPort(PosixReactor reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix = null)
        : base(reactor, address, factory, backlog, unix)
    {
        _reactor = reactor;
        _uring = reactor.Uring;
    }

    public int FileDescriptor => _fd;

    protected override EndPoint? OpenSocket()
    {
        var fd = PosixSocket.Create(SockAddr.FamilyOf(Address), Sock.SOCK_STREAM);
        try
        {
            if (!IsUnix)
            {
                // As every Unix server does, so a restart does not wait out TIME_WAIT.
                PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1);
            }
            var errno = PosixSocket.Bind(fd, Address);
            if (errno != 0)
            {
                throw new CannotListenError($"Couldn't listen on {Address}: {LibC.StrError(errno)}.", new SystemCallException("bind", errno));
            }
            if (LibC.Listen(fd, Backlog) < 0)
            {
                errno = LibC.LastErrno;
                throw new CannotListenError($"Couldn't listen on {Address}: {LibC.StrError(errno)}.", new SystemCallException("listen", errno));
            }
            var host = PosixSocket.GetSockName(fd);
            _fd = fd;
            return host;
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }
    }

    /// <summary>Takes over an already listening descriptor (the reactor's own duplicate of it).</summary>
    internal void Adopt(int fd, EndPoint host)
    {
        _fd = fd;
        Begin(host);
    }

    protected override void StartAccepting()
    {
        if (_uring is { } uring)
        {
            _slot = uring.Attach(this);
            ArmAccept(uring);
        }
        else
        {
            _reactor.AddReader(this);
        }
    }

    protected override void ResumeAccepting()
    {
        if (_uring is { } uring)
        {
            if (!_accepting)
            {
                ArmAccept(uring);
            }
        }
        else
        {
            _reactor.AddReader(this);
        }
    }

    private void ArmAccept(UringPoller uring)
    {
        ref var sqe = ref uring.Queue(_slot, AcceptOp);
        sqe.Opcode = Uring.OpAccept;
        sqe.Fd = _fd;
        sqe.IoPrio = Uring.AcceptMultishot;
        sqe.OpFlags = Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC;
        _accepting = true;
    }

    /// <summary>One connection accepted by the multishot accept (or the error that ended it).</summary>
    public void Complete(in Cqe cqe, byte op)
    {
        var more = (cqe.Flags & Uring.CqeMore) != 0;
        if (!more)
        {
            _accepting = false;
        }
        var res = cqe.Res;
        if (res >= 0)
        {
            if (!IsListening)
            {
                LibC.Close(res);
                return;
            }
            CountAccepted();
            Accepted(res, PeerOf(res));
        }
        else
        {
            switch (-res)
            {
                case Errno.ECANCELED:
                case Errno.EINTR:
                case Errno.EAGAIN:
                case Errno.ECONNABORTED:
                    break;
                case Errno.EMFILE:
                case Errno.ENFILE:
                case Errno.ENOBUFS:
                case Errno.ENOMEM:
                    // The error ended the multishot accept; the back-off arms it again when descriptors may be free.
                    AcceptOutOfResources(new SystemCallException("accept", -res));
                    return;
                default:
                    if (IsListening)
                    {
                        AcceptFailed(new SystemCallException("accept", -res));
                    }
                    return;
            }
        }
        if (!_accepting && IsListening && !AcceptingPaused && _uring is { } uring)
        {
            ArmAccept(uring);
        }
    }

    // The multishot accept shares one address buffer between its completions, so the peer is asked for.
    // A connection reset before that has no peer any more (ENOTCONN), yet it was accepted, as accept4
    // would have accepted it: it is served like any other, with an unspecified address of its family,
    // and its protocol hears the reset.
    private EndPoint PeerOf(int fd)
    {
        try
        {
            return PosixSocket.GetPeerName(fd);
        }
        catch (SystemCallException)
        {
            return UnspecifiedPeer();
        }
    }

    // An address of the port's family with nothing in it (0.0.0.0:0, [::]:0, an unnamed Unix socket).
    private EndPoint UnspecifiedPeer()
    {
        var family = SockAddr.FamilyOf(Address);
        Span<byte> unspecified = stackalloc byte[SockAddr.MaxSize];
        unspecified.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(unspecified, (ushort)family);
        var length = family == Sock.AF_INET ? 16 : family == Sock.AF_INET6 ? 28 : 2;
        return SockAddr.Decode(unspecified, length);
    }

    void ICompletion.Prepare()
    {
    }

    void ICompletion.Lost(Failure reason) => Close();

    public Failure? DoRead()
    {
        var addr = stackalloc byte[SockAddr.MaxSize];
        for (var i = 0; i < AcceptsPerPass && IsListening; i++)
        {
            var len = SockAddr.MaxSize;
            var fd = LibC.Accept4(_fd, addr, &len, Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC);
            if (fd < 0)
            {
                var errno = LibC.LastErrno;
                switch (errno)
                {
                    case Errno.EAGAIN:
                        return null;
                    case Errno.EINTR:
                    case Errno.ECONNABORTED:
                        continue;
                    case Errno.EMFILE:
                    case Errno.ENFILE:
                    case Errno.ENOBUFS:
                    case Errno.ENOMEM:
                        // Level-triggered readiness would report the pending connection again at
                        // once and spin; step back and try again shortly, when descriptors may be free.
                        _reactor.RemoveReader(this);
                        AcceptOutOfResources(new SystemCallException("accept4", errno));
                        return null;
                    default:
                        CountAcceptError();
                        ReactorBase.LogError($"Error accepting on {GetHost()}", new SystemCallException("accept4", errno));
                        return null;
                }
            }
            // No descriptor reserve here, so counting never pauses.
            CountAccepted();
            Accepted(fd, SockAddr.Decode(new ReadOnlySpan<byte>(addr, SockAddr.MaxSize), len));
        }
        return null;
    }

    private void Accepted(int fd, EndPoint peer)
    {
        if (BuildProtocol(peer) is not { } protocol)
        {
            LibC.Close(fd);
            return;
        }
        _reactor.NewConnection(fd, peer, IsUnix).Start(protocol);
    }

    protected override void CloseSocket()
    {
        if (_uring is { } uring)
        {
            uring.Detach(_slot);
            if (_accepting)
            {
                // The accept in flight holds the socket: cancel it first, so the port is free at once.
                uring.CancelAllNow(_fd);
                _accepting = false;
            }
        }
        else
        {
            _reactor.RemoveReader(this);
        }
        LibC.Close(_fd);
    }

    public void ConnectionLost(Failure reason) => Close();
}
