using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A listening stream socket (TCP, or Unix with <see cref="UnixListenOptions"/>) on a readiness reactor:
/// a raw descriptor registered for readability, each readable event accepting up to
/// <see cref="StreamPort.AcceptsPerPass"/> connections. The state around it is <see cref="StreamPort"/>'s.
/// </summary>
internal sealed unsafe class TcpPort : StreamPort, IReadDescriptor
{
    private readonly PosixReactor _reactor;
    private int _fd = -1;

    internal TcpPort(PosixReactor reactor, EndPoint address, Factory factory, int backlog, UnixListenOptions? unix = null)
        : base(reactor, address, factory, backlog, unix)
    {
        _reactor = reactor;
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

    protected override void StartAccepting() => _reactor.AddReader(this);

    protected override void ResumeAccepting() => _reactor.AddReader(this);

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
        _reactor.RemoveReader(this);
        LibC.Close(_fd);
    }

    public void ConnectionLost(Failure reason) => Close();
}
