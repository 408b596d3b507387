using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What every backend's outgoing stream connection shares (Twisted's <c>BaseConnector</c>): the
/// state machine (disconnected, connecting, connected), the factory's start, stop and callbacks in
/// Twisted's order, name resolution, the connect timeout, the Unix full-backlog retry, and the
/// hand-off to a connection. A backend supplies only how an attempt starts, how it is abandoned and
/// how a finished one becomes a connection.
/// </summary>
internal abstract class StreamConnector : IConnector
{
    /// <summary>How often a Unix connect refused for a full backlog is tried again.</summary>
    internal const double UnixBacklogRetry = 0.02;

    private enum State { Disconnected, Connecting, Connected }

    private readonly ReactorBase _reactor;
    private readonly double _timeout;
    private readonly bool _checkPid;
    private State _state;
    private bool _factoryStarted;
    private IDelayedCall? _timeoutCall;
    private IDelayedCall? _retryCall;
    private ITransport? _connection;
    private Deferred<IReadOnlyList<IPEndPoint>>? _resolution;
    private int _attempt;

    protected StreamConnector(ReactorBase reactor, string host, int port, ClientFactory factory, double timeout, EndPoint? bindAddress)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 0..65535.");
        }
        _reactor = reactor;
        Host = host;
        Port = port;
        Factory = factory;
        _timeout = timeout;
        BindAddress = bindAddress;
    }

    /// <summary>A connector to a Unix socket: no name resolution, and optionally a pid-lock check.</summary>
    protected StreamConnector(ReactorBase reactor, UnixDomainSocketEndPoint path, ClientFactory factory, double timeout, bool checkPid)
        : this(reactor, path.ToString(), 0, factory, timeout, null)
    {
        UnixPath = path;
        _checkPid = checkPid;
    }

    /// <summary>The host as given (or the Unix path).</summary>
    protected string Host { get; }

    /// <summary>The port (0 for Unix).</summary>
    protected int Port { get; }

    /// <summary>The factory told of every step.</summary>
    protected ClientFactory Factory { get; }

    /// <summary>The local address to bind before connecting, if any.</summary>
    protected EndPoint? BindAddress { get; }

    /// <summary>The Unix socket path, for a Unix connector.</summary>
    protected UnixDomainSocketEndPoint? UnixPath { get; }

    /// <summary>The resolved address of the current attempt.</summary>
    protected EndPoint? Destination { get; private set; }

    /// <summary>True while an attempt is under way (not stopped, failed or connected).</summary>
    protected bool IsConnecting => _state == State.Connecting;

    /// <inheritdoc />
    public void Connect()
    {
        if (_state != State.Disconnected)
        {
            throw new InvalidOperationException("Can't connect in the current state: the connector is already connecting or connected.");
        }
        _state = State.Connecting;
        OnConnecting();
        if (!_factoryStarted)
        {
            Factory.DoStart();
            _factoryStarted = true;
        }
        var attempt = ++_attempt;
        if (_timeout > 0)
        {
            _timeoutCall = _reactor.CallLater(_timeout, () =>
            {
                // This call is running, so it can no longer be cancelled: Failed must not try.
                _timeoutCall = null;
                Failed(new Failure(new TimeoutError(_timeout)));
            });
        }
        Factory.StartedConnecting(this);
        if (_state != State.Connecting || attempt != _attempt)
        {
            return;
        }
        if (UnixPath is not null)
        {
            if (_checkPid && !UnixSocketFile.IsLocked(Host))
            {
                Failed(new Failure(new ConnectError($"No live process holds the lock file {UnixSocketFile.LockPath(Host)}.")));
                return;
            }
            Destination = UnixPath;
            BeginConnect(UnixPath);
            return;
        }
        var resolution = NameResolution.Resolve(_reactor, Host, Port);
        resolution.AddCallbacks<Unit>(
            addresses =>
            {
                if (_state == State.Connecting && attempt == _attempt)
                {
                    _resolution = null;
                    IPEndPoint chosen;
                    try
                    {
                        chosen = NameResolution.Preferred(Host, addresses);
                    }
                    catch (DnsLookupError e)
                    {
                        Failed(new Failure(e));
                        return Unit.Value;
                    }
                    Destination = chosen;
                    BeginConnect(Destination);
                }
                return Unit.Value;
            },
            failure =>
            {
                if (_state == State.Connecting && attempt == _attempt)
                {
                    _resolution = null;
                    Failed(failure);
                }
                return Unit.Value;
            });
        if (!resolution.Called && _state == State.Connecting && attempt == _attempt)
        {
            _resolution = resolution;
        }
    }

    /// <summary>Called once an attempt starts (the state is connecting), before the factory hears of it.</summary>
    protected virtual void OnConnecting()
    {
    }

    /// <summary>Starts connecting to <paramref name="destination"/>; reports the outcome later through <see cref="BuildProtocol"/> and <see cref="Connected"/>, or <see cref="Failed"/>.</summary>
    protected abstract void BeginConnect(EndPoint destination);

    /// <summary>Drops whatever the current attempt holds (descriptor, socket, registration).</summary>
    protected abstract void AbandonAttempt();

    /// <summary>
    /// A Unix listener with a full backlog refuses a non-blocking connect at once, with nothing in
    /// progress to wait for. Wait as a blocking connect would: ask again shortly, until there is room
    /// or the timeout passes.
    /// </summary>
    protected void RetrySoon(Action retry) =>
        _retryCall = _reactor.CallLater(UnixBacklogRetry, () =>
        {
            _retryCall = null;
            if (IsConnecting)
            {
                retry();
            }
        });

    /// <summary>
    /// The handshake succeeded: stops the timeout and asks the factory for a protocol. Null means the
    /// attempt failed (the factory threw or refused); <paramref name="release"/> has then closed what
    /// the caller held and the factory has been told.
    /// </summary>
    protected IProtocol? BuildProtocol(Action release)
    {
        _timeoutCall?.Cancel();
        _timeoutCall = null;
        IProtocol? protocol;
        try
        {
            protocol = Factory.BuildProtocol(Destination!);
        }
        catch (Exception e)
        {
            release();
            Failed(new Failure(e));
            return null;
        }
        if (protocol is null)
        {
            release();
            Failed(new Failure(new ConnectError("The factory refused to build a protocol.")));
        }
        return protocol;
    }

    /// <summary>The attempt became <paramref name="connection"/>, which will call <see cref="ConnectionLost"/> when it ends.</summary>
    protected void Connected(ITransport connection)
    {
        _state = State.Connected;
        _connection = connection;
    }

    /// <summary>A connect that failed with <paramref name="inner"/>: refused (nobody listening) or otherwise.</summary>
    protected void FailedConnect(Exception inner, string reason, bool refused)
    {
        var message = $"Connection to {Destination} failed: {reason}.";
        Failed(new Failure(refused ? new ConnectionRefusedError(message, inner) : new ConnectError(message, inner)));
    }

    /// <summary>Ends the current attempt with <paramref name="reason"/>, if one is under way.</summary>
    protected void Failed(Failure reason)
    {
        if (_state != State.Connecting)
        {
            return;
        }
        _timeoutCall?.Cancel();
        _timeoutCall = null;
        _retryCall?.Cancel();
        _retryCall = null;
        AbandonAttempt();
        _state = State.Disconnected;
        if (reason.Value is not UserError)
        {
            _reactor.Counters.ConnectFailures++;
        }
        // Stopped while the name was being looked up: the lookup is of no use now. Its errback sees the
        // state already changed and leaves this attempt alone.
        var resolution = _resolution;
        _resolution = null;
        resolution?.Cancel();
        Factory.ClientConnectionFailed(this, reason);
        StopFactoryIfIdle();
    }

    /// <summary>Called by the connection when it ends.</summary>
    internal void ConnectionLost(Failure reason)
    {
        _connection = null;
        _state = State.Disconnected;
        Factory.ClientConnectionLost(this, reason);
        StopFactoryIfIdle();
    }

    private void StopFactoryIfIdle()
    {
        // The factory may have called Connect again (reconnecting); only stop it if it did not.
        if (_state == State.Disconnected && _factoryStarted)
        {
            _factoryStarted = false;
            Factory.DoStop();
        }
    }

    /// <inheritdoc />
    public void StopConnecting()
    {
        if (_state != State.Connecting)
        {
            throw new InvalidOperationException("StopConnecting called while not connecting.");
        }
        Failed(new Failure(new UserError()));
    }

    /// <inheritdoc />
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

    /// <inheritdoc />
    public EndPoint GetDestination() => Destination ?? new DnsEndPoint(Host, Port);

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}({Host}:{Port}, {_state})";
}
