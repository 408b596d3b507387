using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet.Backends;

namespace Torsion.Internet.Sockets;

/// <summary>
/// An outgoing TCP connection on the completion reactor (Twisted's <c>Connector</c> and <c>Client</c>):
/// resolves the host, posts a <c>ConnectAsync</c>, and hands the connected socket to a
/// <see cref="SocketsTcpConnection"/>. The factory hears every step in the same order as on the
/// readiness backends.
/// </summary>
internal sealed class SocketsTcpConnector : IConnector, ISocketOwner
{
    private enum State { Disconnected, Connecting, Connected }

    private readonly SocketsReactor _reactor;
    private readonly string _host;
    private readonly int _port;
    private readonly ClientFactory _factory;
    private readonly double _timeout;
    private readonly EndPoint? _bindAddress;
    private State _state;
    private bool _factoryStarted;
    private Socket? _socket;
    // One operation per attempt: an abandoned attempt's completion still arrives later and is
    // recognised as stale because it is no longer the current one.
    private SocketOperation? _connect;
    private EndPoint? _destination;
    private readonly UnixDomainSocketEndPoint? _unixPath;
    private readonly bool _checkPid;
    private IDelayedCall? _timeoutCall;
    private IDelayedCall? _retryCall;
    private SocketsTcpConnection? _connection;
    private int _attempt;

    internal SocketsTcpConnector(SocketsReactor reactor, string host, int port, ClientFactory factory, double timeout, EndPoint? bindAddress)
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
    internal SocketsTcpConnector(SocketsReactor reactor, UnixDomainSocketEndPoint path, ClientFactory factory, double timeout, bool checkPid)
        : this(reactor, path.ToString(), 0, factory, timeout, null)
    {
        _unixPath = path;
        _checkPid = checkPid;
    }

    public void Connect()
    {
        if (_state != State.Disconnected)
        {
            throw new InvalidOperationException("Can't connect in the current state: the connector is already connecting or connected.");
        }
        _state = State.Connecting;
        _reactor.Register(this);
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
        Socket socket;
        try
        {
            socket = new Socket(destination.AddressFamily, SocketType.Stream, _unixPath is null ? ProtocolType.Tcp : ProtocolType.Unspecified);
        }
        catch (SocketException e)
        {
            Failed(new Failure(new ConnectError($"Couldn't create a socket: {e.Message}", e)));
            return;
        }
        if (_bindAddress is not null)
        {
            try
            {
                socket.Bind(_bindAddress);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                Failed(new Failure(new ConnectError($"Couldn't bind to {_bindAddress}: {e.Message}.", e)));
                return;
            }
        }
        _socket = socket;
        var op = _connect = new SocketOperation(_reactor, this) { RemoteEndPoint = destination };
        if (!socket.ConnectAsync(op))
        {
            // Even an immediate connect (loopback can do that) is reported on a later pass, as on the
            // readiness backends, never inside the caller's ConnectTcp.
            _reactor.CallSoon(op);
        }
    }

    public void Completed(SocketOperation operation)
    {
        if (!ReferenceEquals(operation, _connect))
        {
            // An attempt that timed out or was stopped: its socket is closed already.
            operation.Dispose();
            return;
        }
        _connect = null;
        var error = operation.SocketError;
        operation.Dispose();
        if (_state != State.Connecting)
        {
            return;
        }
        if (error == SocketError.WouldBlock && _unixPath is not null)
        {
            // A Unix listener with a full backlog refuses a non-blocking connect at once (EAGAIN). Wait
            // as a blocking connect would, by asking again shortly, until there is room or the timeout
            // passes; with a new socket, as the runtime will not connect one whose connect failed.
            _socket!.Dispose();
            _socket = null;
            _retryCall = _reactor.CallLater(Tcp.TcpConnector.UnixBacklogRetry, () =>
            {
                _retryCall = null;
                BeginConnect(_unixPath);
            });
            return;
        }
        if (error != SocketError.Success)
        {
            FailedWith(error);
            return;
        }
        _timeoutCall?.Cancel();
        _timeoutCall = null;
        var socket = _socket!;
        _socket = null;
        IProtocol? protocol;
        try
        {
            socket.Blocking = false;
            protocol = _factory.BuildProtocol(_destination!);
        }
        catch (Exception e)
        {
            socket.Dispose();
            Failed(new Failure(e));
            return;
        }
        if (protocol is null)
        {
            socket.Dispose();
            Failed(new Failure(new ConnectError("The factory refused to build a protocol.")));
            return;
        }
        _state = State.Connected;
        _reactor.Unregister(this);
        _connection = new SocketsTcpConnection(_reactor, socket, _destination!, isUnix: _unixPath is not null) { Connector = this };
        _connection.Start(protocol);
    }

    private void FailedWith(SocketError error)
    {
        var inner = new SocketException((int)error);
        var message = $"Connection to {_destination} failed: {inner.Message}.";
        Failed(new Failure(error is SocketError.ConnectionRefused or SocketError.AddressNotAvailable ? new ConnectionRefusedError(message, inner) : new ConnectError(message, inner)));
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
        // Closing the socket aborts a pending connect; its completion is then stale and only disposed.
        _connect = null;
        _socket?.Dispose();
        _socket = null;
        _state = State.Disconnected;
        _reactor.Unregister(this);
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

    public void Shutdown(Failure reason) => Failed(reason);

    public EndPoint GetDestination() => (EndPoint?)_destination ?? new DnsEndPoint(_host, _port);

    public override string ToString() => $"SocketsTcpConnector({_host}:{_port}, {_state})";
}
