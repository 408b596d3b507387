using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet.Backends;
using Torsion.Internet.Posix;

namespace Torsion.Internet.Tcp;

/// <summary>
/// An outgoing TCP connection on a readiness reactor (Twisted's <c>Connector</c> and <c>Client</c>):
/// resolves the host, starts a non-blocking connect, waits for writability, and then hands the
/// descriptor to a <see cref="TcpConnection"/>. The factory is told of every step.
/// </summary>
internal sealed class TcpConnector : IConnector, IWriteDescriptor
{
    /// <summary>How often a Unix connect refused for a full backlog is tried again.</summary>
    internal const double UnixBacklogRetry = 0.02;

    private enum State { Disconnected, Connecting, Connected }

    private readonly PosixReactor _reactor;
    private readonly string _host;
    private readonly int _port;
    private readonly ClientFactory _factory;
    private readonly double _timeout;
    private readonly EndPoint? _bindAddress;
    private State _state;
    private bool _factoryStarted;
    private int _fd = -1;
    private EndPoint? _destination;
    private readonly UnixDomainSocketEndPoint? _unixPath;
    private readonly bool _checkPid;
    private IDelayedCall? _timeoutCall;
    private IDelayedCall? _retryCall;
    private TcpConnection? _connection;
    private int _attempt;

    internal TcpConnector(PosixReactor reactor, string host, int port, ClientFactory factory, double timeout, EndPoint? bindAddress)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 0..65535.");
        }
        _reactor = reactor;
        _host = host;
        _port = port;
        _factory = factory;
        _timeout = timeout;
        _bindAddress = bindAddress;
    }

    /// <summary>A connector to a Unix socket: no name resolution, and optionally a pid-lock check.</summary>
    internal TcpConnector(PosixReactor reactor, UnixDomainSocketEndPoint path, ClientFactory factory, double timeout, bool checkPid)
        : this(reactor, path.ToString(), 0, factory, timeout, null)
    {
        _unixPath = path;
        _checkPid = checkPid;
    }

    public int FileDescriptor => _fd;

    public void Connect()
    {
        if (_state != State.Disconnected)
        {
            throw new InvalidOperationException("Can't connect in the current state: the connector is already connecting or connected.");
        }
        _state = State.Connecting;
        if (!_factoryStarted)
        {
            _factory.DoStart();
            _factoryStarted = true;
        }
        var attempt = ++_attempt;
        if (_timeout > 0)
        {
            _timeoutCall = _reactor.CallLater(_timeout, () =>
            {
                // This call is running, so it can no longer be cancelled: Failed must not try.
                _timeoutCall = null;
                Failed(new Failure(new ConnectTimeoutError(_timeout)));
            });
        }
        _factory.StartedConnecting(this);
        if (_state != State.Connecting || attempt != _attempt)
        {
            return;
        }
        if (_unixPath is not null)
        {
            if (_checkPid && !Unix.UnixSocketFile.IsLocked(_host))
            {
                Failed(new Failure(new ConnectError($"No live process holds the lock file {Unix.UnixSocketFile.LockPath(_host)}.")));
                return;
            }
            BeginConnect(_unixPath);
            return;
        }
        _reactor.Resolve(_host).AddCallbacks<Unit>(
            address =>
            {
                if (_state == State.Connecting && attempt == _attempt)
                {
                    BeginConnect(new IPEndPoint(IPAddress.Parse(address), _port));
                }
                return Unit.Value;
            },
            failure =>
            {
                if (_state == State.Connecting && attempt == _attempt)
                {
                    Failed(failure);
                }
                return Unit.Value;
            });
    }

    private void BeginConnect(EndPoint destination)
    {
        _destination = destination;
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
        if (_bindAddress is not null)
        {
            var bindErrno = PosixSocket.Bind(fd, _bindAddress);
            if (bindErrno != 0)
            {
                LibC.Close(fd);
                Failed(new Failure(new ConnectError($"Couldn't bind to {_bindAddress}: {LibC.StrError(bindErrno)}.", new SystemCallException("bind", bindErrno))));
                return;
            }
        }
        _fd = fd;
        TryConnect();
    }

    private void TryConnect()
    {
        var errno = PosixSocket.Connect(_fd, _destination!);
        if (errno is 0 or Errno.EINPROGRESS or Errno.EINTR)
        {
            // Writability says the handshake ended, either way; DoWrite reads SO_ERROR.
            _reactor.AddWriter(this);
            return;
        }
        if (errno == Errno.EAGAIN && _unixPath is not null)
        {
            // A Unix listener with a full backlog refuses a non-blocking connect at once: no connect is
            // in progress, and an unconnected Unix socket polls as writable (hung up), so there is
            // nothing to wait for. Wait as a blocking connect would, by asking again shortly, until
            // there is room or the timeout passes.
            _retryCall = _reactor.CallLater(UnixBacklogRetry, () =>
            {
                _retryCall = null;
                TryConnect();
            });
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
        _timeoutCall?.Cancel();
        _timeoutCall = null;
        var fd = _fd;
        _fd = -1;
        IProtocol? protocol;
        try
        {
            protocol = _factory.BuildProtocol(_destination!);
        }
        catch (Exception e)
        {
            LibC.Close(fd);
            Failed(new Failure(e));
            return null;
        }
        if (protocol is null)
        {
            LibC.Close(fd);
            Failed(new Failure(new ConnectError("The factory refused to build a protocol.")));
            return null;
        }
        _state = State.Connected;
        _connection = new TcpConnection(_reactor, fd, _destination!, isUnix: _unixPath is not null) { Connector = this };
        _connection.Start(protocol);
        return null;
    }

    private void FailedWithErrno(int errno)
    {
        var inner = new SystemCallException("connect", errno);
        var message = $"Connection to {_destination} failed: {LibC.StrError(errno)}.";
        Failed(new Failure(errno is Errno.ECONNREFUSED or Errno.ENOENT ? new ConnectionRefusedError(message, inner) : new ConnectError(message, inner)));
    }

    private void Failed(Failure reason)
    {
        if (_state != State.Connecting)
        {
            return;
        }
        _timeoutCall?.Cancel();
        _timeoutCall = null;
        _retryCall?.Cancel();
        _retryCall = null;
        if (_fd >= 0)
        {
            _reactor.RemoveWriter(this);
            LibC.Close(_fd);
            _fd = -1;
        }
        _state = State.Disconnected;
        _factory.ClientConnectionFailed(this, reason);
        StopFactoryIfIdle();
    }

    /// <summary>Called by the connection when it ends.</summary>
    internal void ConnectionLost(Failure reason)
    {
        _connection = null;
        _state = State.Disconnected;
        _factory.ClientConnectionLost(this, reason);
        StopFactoryIfIdle();
    }

    private void StopFactoryIfIdle()
    {
        // The factory may have called Connect again (reconnecting); only stop it if it did not.
        if (_state == State.Disconnected && _factoryStarted)
        {
            _factoryStarted = false;
            _factory.DoStop();
        }
    }

    public void StopConnecting()
    {
        if (_state != State.Connecting)
        {
            throw new InvalidOperationException("StopConnecting called while not connecting.");
        }
        Failed(new Failure(new UserError()));
    }

    public void Disconnect()
    {
        if (_state == State.Connecting)
        {
            StopConnecting();
        }
        else
        {
            _connection?.LoseConnection();
        }
    }

    void IFileDescriptor.ConnectionLost(Failure reason) => Failed(reason);

    public EndPoint GetDestination() => (EndPoint?)_destination ?? new DnsEndPoint(_host, _port);

    public override string ToString() => $"TcpConnector({_host}:{_port}, {_state})";
}
