using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// An outgoing TCP or Unix connection on a readiness reactor (Twisted's <c>Connector</c> and
/// <c>Client</c>): a non-blocking connect, writability when the handshake ends, then the descriptor
/// becomes the reactor's connection (<see cref="PosixReactor.NewConnection"/>). The state machine is <see cref="StreamConnector"/>'s.
/// </summary>
internal sealed class TcpConnector : StreamConnector, IWriteDescriptor
{
    private readonly PosixReactor _reactor;
    private int _fd = -1;

    internal TcpConnector(PosixReactor reactor, string host, int port, ClientFactory factory, double timeout, EndPoint? bindAddress)
        : base(reactor, host, port, factory, timeout, bindAddress) => _reactor = reactor;

    /// <summary>A connector to a Unix socket: no name resolution, and optionally a pid-lock check.</summary>
    internal TcpConnector(PosixReactor reactor, UnixDomainSocketEndPoint path, ClientFactory factory, double timeout, bool checkPid)
        : base(reactor, path, factory, timeout, checkPid) => _reactor = reactor;

    public int FileDescriptor => _fd;

    protected override void BeginConnect(EndPoint destination)
    {
        int fd;
        try
        {
            fd = PosixSocket.Create(SockAddr.FamilyOf(destination), Sock.SOCK_STREAM);
        }
        catch (Exception e)
        {
            Failed(new Failure(new ConnectError($"Couldn't create a socket: {e.Message}", e)));
            return;
        }
        if (BindAddress is not null)
        {
            var bindErrno = PosixSocket.Bind(fd, BindAddress);
            if (bindErrno != 0)
            {
                LibC.Close(fd);
                Failed(new Failure(new ConnectError($"Couldn't bind to {BindAddress}: {LibC.StrError(bindErrno)}.", new SystemCallException("bind", bindErrno))));
                return;
            }
        }
        _fd = fd;
        TryConnect();
    }

    private void TryConnect()
    {
        var errno = PosixSocket.Connect(_fd, Destination!);
        if (errno is 0 or Errno.EINPROGRESS or Errno.EINTR)
        {
            // Writability says the handshake ended, either way; DoWrite reads SO_ERROR.
            _reactor.AddWriter(this);
            return;
        }
        if (errno == Errno.EAGAIN && UnixPath is not null)
        {
            // A full Unix backlog; an unconnected Unix socket polls as writable (hung up), so there is
            // nothing to wait on: the same socket is asked again shortly.
            RetrySoon(TryConnect);
            return;
        }
        FailedWithErrno(errno);
    }

    public Failure? DoWrite()
    {
        _reactor.RemoveWriter(this);
        var errno = PosixSocket.GetInt(_fd, Sock.SOL_SOCKET, Sock.SO_ERROR);
        if (errno != 0)
        {
            FailedWithErrno(errno);
            return null;
        }
        var fd = _fd;
        _fd = -1;
        if (BuildProtocol(() => LibC.Close(fd)) is not { } protocol)
        {
            return null;
        }
        var connection = _reactor.NewConnection(fd, Destination!, isUnix: UnixPath is not null);
        connection.Connector = this;
        Connected(connection);
        connection.Start(protocol);
        return null;
    }

    private void FailedWithErrno(int errno) =>
        FailedConnect(new SystemCallException("connect", errno), LibC.StrError(errno), refused: errno is Errno.ECONNREFUSED or Errno.ENOENT);

    protected override void AbandonAttempt()
    {
        if (_fd >= 0)
        {
            _reactor.RemoveWriter(this);
            LibC.Close(_fd);
            _fd = -1;
        }
    }

    void IFileDescriptor.ConnectionLost(Failure reason) => Failed(reason);
}
