using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// An outgoing TCP or Unix connection on the completion reactor (Twisted's <c>Connector</c> and
/// <c>Client</c>): a <c>ConnectAsync</c>, then the connected socket becomes a
/// <see cref="SocketsTcpConnection"/>. The state machine is <see cref="StreamConnector"/>'s, so the
/// factory hears every step in the same order as on the readiness backends.
/// </summary>
internal sealed class SocketsTcpConnector : StreamConnector, ISocketOwner
{
    private readonly SocketsReactor _reactor;
    private Socket? _socket;
    // One operation per attempt: an abandoned attempt's completion still arrives later and is
    // recognised as stale because it is no longer the current one.
    private SocketOperation? _connect;

    internal SocketsTcpConnector(SocketsReactor reactor, string host, int port, ClientFactory factory, double timeout, EndPoint? bindAddress)
        : base(reactor, host, port, factory, timeout, bindAddress) => _reactor = reactor;

    /// <summary>A connector to a Unix socket: no name resolution, and optionally a pid-lock check.</summary>
    internal SocketsTcpConnector(SocketsReactor reactor, UnixDomainSocketEndPoint path, ClientFactory factory, double timeout, bool checkPid)
        : base(reactor, path, factory, timeout, checkPid) => _reactor = reactor;

    /// <summary>Tracked while connecting, so the reactor's shutdown reaches a pending attempt.</summary>
    protected override void OnConnecting() => _reactor.Register(this);

    protected override void BeginConnect(EndPoint destination)
    {
        Socket socket;
        try
        {
            socket = new Socket(destination.AddressFamily, SocketType.Stream, UnixPath is null ? ProtocolType.Tcp : ProtocolType.Unspecified);
        }
        catch (SocketException e)
        {
            Failed(new Failure(new ConnectError($"Couldn't create a socket: {e.Message}", e)));
            return;
        }
        if (BindAddress is not null)
        {
            try
            {
                socket.Bind(BindAddress);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                Failed(new Failure(new ConnectError($"Couldn't bind to {BindAddress}: {e.Message}.", e)));
                return;
            }
        }
        _socket = socket;
        RuntimeEventThreads.CompleteInline(socket);
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
        if (!IsConnecting)
        {
            return;
        }
        if (error == SocketError.WouldBlock && UnixPath is { } path)
        {
            // A full Unix backlog (EAGAIN): asked again shortly with a new socket, as the runtime will
            // not connect one whose connect failed.
            _socket!.Dispose();
            _socket = null;
            RetrySoon(() => BeginConnect(path));
            return;
        }
        if (error != SocketError.Success)
        {
            var inner = new SocketException((int)error);
            FailedConnect(inner, inner.Message, refused: error is SocketError.ConnectionRefused or SocketError.AddressNotAvailable);
            return;
        }
        var socket = _socket!;
        _socket = null;
        try
        {
            socket.Blocking = false;
        }
        catch (Exception e)
        {
            socket.Dispose();
            Failed(new Failure(e));
            return;
        }
        if (BuildProtocol(socket.Dispose) is not { } protocol)
        {
            return;
        }
        _reactor.Unregister(this);
        var connection = new SocketsTcpConnection(_reactor, socket, Destination!, isUnix: UnixPath is not null) { Connector = this };
        Connected(connection);
        connection.Start(protocol);
    }

    protected override void AbandonAttempt()
    {
        // Closing the socket aborts a pending connect; its completion is then stale and only disposed.
        _connect = null;
        _socket?.Dispose();
        _socket = null;
        _reactor.Unregister(this);
    }

    public void Shutdown(Failure reason) => Failed(reason);
}
