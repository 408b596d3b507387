using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// One <see cref="HostnameEndpoint.Connect"/>: the lookup, then the staggered attempts (RFC 8305), the
/// choice of a winner and the clean-up of every other attempt. Lives on one loop thread.
/// </summary>
internal sealed class HappyEyeballs
{
    private readonly IReactor _reactor;
    private readonly string _host;
    private readonly int _port;
    private readonly AddressTypes _types;
    private readonly Factory _factory;
    private readonly double _timeout;
    private readonly EndPoint? _bindAddress;
    private readonly double _attemptDelay;
    private readonly Deferred<IProtocol> _result;
    private readonly List<HappyEyeballsAttempt> _pending = new();
    private List<IPEndPoint> _addresses = new();
    private int _next;
    private Deferred<IReadOnlyList<IPEndPoint>>? _resolution;
    private IDelayedCall? _nextAttempt;
    private IDelayedCall? _timeoutCall;
    private HappyEyeballsAttempt? _winner;
    private Failure? _lastFailure;
    private bool _done;

    internal HappyEyeballs(IReactor reactor, string host, int port, AddressTypes types, Factory factory, double timeout, EndPoint? bindAddress, double attemptDelay)
    {
        _reactor = reactor;
        _host = host;
        _port = port;
        _types = types;
        _factory = factory;
        _timeout = timeout;
        _bindAddress = bindAddress;
        _attemptDelay = attemptDelay;
        _result = new Deferred<IProtocol>(_ => Cancel());
    }

    private string Address => $"{_host}:{_port}";

    internal Deferred<IProtocol> Start()
    {
        if (_timeout > 0)
        {
            _timeoutCall = _reactor.CallLater(_timeout, () =>
            {
                _timeoutCall = null;
                Finish(new Failure(new TimeoutError(_timeout)));
            });
        }
        var resolution = NameResolution.Resolve(_reactor, _host, _port, _types);
        resolution.AddCallbacks<Unit>(
            addresses =>
            {
                Resolved(addresses);
                return Unit.Value;
            },
            failure =>
            {
                // Our own cancellation (Finish) is already accounted for; anything else is the lookup's failure.
                if (!_done)
                {
                    Finish(failure);
                }
                return Unit.Value;
            });
        if (!resolution.Called && !_done)
        {
            _resolution = resolution;
        }
        return _result;
    }

    private void Resolved(IReadOnlyList<IPEndPoint> addresses)
    {
        _resolution = null;
        if (_done)
        {
            return;
        }
        var wanted = addresses.Where(a => (_types & (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressTypes.IPv6 : AddressTypes.IPv4)) != 0).ToList();
        _addresses = NameResolution.Interleave(wanted);
        if (_addresses.Count == 0)
        {
            Finish(new Failure(addresses.Count == 0
                ? new DnsLookupError(_host)
                : new ConnectError($"{_host} has no address of the bind address's family ({_bindAddress}).")));
            return;
        }
        StartNextAttempt();
    }

    /// <summary>Starts the next address's attempt, and schedules the one after it.</summary>
    private void StartNextAttempt()
    {
        // Run by the timer itself (which can no longer be cancelled) or early, by a failed attempt.
        if (_nextAttempt is { Active: true } scheduled)
        {
            scheduled.Cancel();
        }
        _nextAttempt = null;
        if (_done)
        {
            return;
        }
        if (_next >= _addresses.Count)
        {
            if (_pending.Count == 0)
            {
                Finish(_lastFailure ?? new Failure(new DnsLookupError(_host)));
            }
            return;
        }
        var address = _addresses[_next++];
        var attempt = new HappyEyeballsAttempt(this, address);
        _pending.Add(attempt);
        if (_next < _addresses.Count)
        {
            // Scheduled before connecting: an attempt that fails at once starts the next itself, replacing this.
            _nextAttempt = _reactor.CallLater(_attemptDelay, StartNextAttempt);
        }
        try
        {
            attempt.Connector = _reactor.ConnectTcp(address.Address.ToString(), address.Port, attempt, 0, _bindAddress);
        }
        catch (Exception e)
        {
            AttemptFailed(attempt, new Failure(e));
        }
    }

    /// <summary>An attempt's handshake completed. The first becomes the connection; any other is refused (the connector closes it).</summary>
    internal IProtocol? AttemptConnected(HappyEyeballsAttempt attempt, EndPoint address)
    {
        if (_done || attempt.Abandoned)
        {
            return null;
        }
        _pending.Remove(attempt);
        _winner = attempt;
        _done = true;
        CancelEverything();
        IProtocol? protocol;
        try
        {
            protocol = _factory.BuildProtocol(address);
        }
        catch (Exception e)
        {
            _result.Errback(e);
            return null;
        }
        if (protocol is null)
        {
            _result.Errback(new ConnectError($"The factory refused to build a protocol for {Address}."));
            return null;
        }
        return EndpointConnection.NotifyOnConnect(protocol, connected =>
        {
            if (!_result.Called)
            {
                _result.Callback(connected);
            }
        });
    }

    /// <summary>An attempt failed: remember why, and start the next at once instead of waiting for the delay.</summary>
    internal void AttemptFailed(HappyEyeballsAttempt attempt, Failure reason)
    {
        if (attempt.Abandoned || !_pending.Remove(attempt))
        {
            return;
        }
        _lastFailure = reason;
        StartNextAttempt();
    }

    internal void FactoryStarted() => _factory.DoStart();

    internal void FactoryStopped() => _factory.DoStop();

    private void Cancel()
    {
        if (_done)
        {
            // Won, but the protocol is not connected yet: the connection is not wanted any more.
            _winner?.Connector?.Disconnect();
            return;
        }
        Finish(new Failure(new ConnectingCancelledError(Address)));
    }

    private void Finish(Failure reason)
    {
        if (_done)
        {
            return;
        }
        _done = true;
        CancelEverything();
        if (!_result.Called)
        {
            _result.Errback(reason);
        }
    }

    /// <summary>Stops the timers, the lookup and every attempt still pending.</summary>
    private void CancelEverything()
    {
        _timeoutCall?.Cancel();
        _timeoutCall = null;
        if (_nextAttempt is { Active: true } scheduled)
        {
            scheduled.Cancel();
        }
        _nextAttempt = null;
        var resolution = _resolution;
        _resolution = null;
        resolution?.Cancel();
        var pending = _pending.ToArray();
        _pending.Clear();
        foreach (var attempt in pending)
        {
            attempt.Abandon();
        }
    }
}
