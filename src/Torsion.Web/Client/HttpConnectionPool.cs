using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>
/// Persistent connections shared by the requests of one or more <see cref="Agent"/>s (Twisted's
/// <c>HTTPConnectionPool</c>), per scheme, host, port (and proxy). Unlike Twisted's pool it bounds the
/// connections open to one host (<see cref="MaxConnectionsPerHost"/>) and queues the requests beyond it,
/// first come first served. An idle connection is kept <see cref="CachedConnectionTimeout"/> seconds; a
/// request that finds its cached connection closed by the server before any answer is sent again once
/// on a fresh one, if its method is idempotent and its body can be replayed.
/// </summary>
public sealed class HttpConnectionPool
{
    private readonly IReactorTime _reactor;
    private readonly Dictionary<PoolKey, HostSlot> _hosts = [];
    private int _maxConnectionsPerHost = 6;
    private int _maxPersistentPerHost = 6;
    private double _cachedConnectionTimeout = 240;

    /// <summary>A pool on <paramref name="reactor"/>.</summary>
    /// <param name="reactor">Runs the idle timers.</param>
    /// <param name="persistent">False: every request gets its own connection, closed after it (<c>Connection: close</c>).</param>
    public HttpConnectionPool(IReactorTime reactor, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        _reactor = reactor;
        Persistent = persistent;
    }

    /// <summary>Whether connections are kept for reuse (default true).</summary>
    public bool Persistent { get; }

    /// <summary>The most connections open to one host at once, idle ones included (default 6, as browsers); more requests wait in order.</summary>
    public int MaxConnectionsPerHost
    {
        get => _maxConnectionsPerHost;
        set => _maxConnectionsPerHost = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
    }

    /// <summary>The most idle connections kept per host (Twisted's <c>maxPersistentPerHost</c>; default 6); more are closed when they become idle.</summary>
    public int MaxPersistentPerHost
    {
        get => _maxPersistentPerHost;
        set => _maxPersistentPerHost = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be zero or more");
    }

    /// <summary>Seconds an idle connection is kept before it is closed (default 240, Twisted's).</summary>
    public double CachedConnectionTimeout
    {
        get => _cachedConnectionTimeout;
        set => _cachedConnectionTimeout = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
    }

    /// <summary>Send a request again once when a reused connection turns out closed before any answer (default true, Twisted's <c>retryAutomatically</c>).</summary>
    public bool RetryAutomatically { get; set; } = true;

    /// <summary>How many connections are open (in use, idle or connecting), for all hosts.</summary>
    public int OpenConnections => _hosts.Values.Sum(h => h.Open);

    /// <summary>How many idle connections are cached, for all hosts.</summary>
    public int IdleConnections => _hosts.Values.Sum(h => h.Idle.Count);

    /// <summary>Closes every idle connection; fires when all of them are gone (Twisted's <c>closeCachedConnections</c>).</summary>
    public Deferred CloseCachedConnections()
    {
        var closing = new List<Deferred<Unit>>();
        foreach (var slot in _hosts.Values)
        {
            foreach (var (connection, timer) in slot.Idle.ToList())
            {
                CancelTimer(timer);
                closing.Add(connection.Closed);
                connection.Io.LoseConnection();
            }
        }
        var all = new Deferred();
        Deferred.GatherResults(closing, consumeErrors: true).AddBoth<Unit>(_ =>
        {
            all.Callback();
            return Unit.Value;
        });
        return all;
    }

    /// <summary>A connection for <paramref name="key"/>: an idle one, a new one from <paramref name="connect"/>, or the next one free when the host is at its limit.</summary>
    internal Deferred<HttpClientConnection> Acquire(PoolKey key, Func<Deferred<HttpClientConnection>> connect)
    {
        var slot = Slot(key);
        while (slot.Idle.Count > 0)
        {
            var (connection, timer) = slot.Idle[^1];
            slot.Idle.RemoveAt(slot.Idle.Count - 1);
            CancelTimer(timer);
            if (!connection.IsLost && !connection.Io.Disconnecting)
            {
                connection.Reused = true;
                return Deferred.Succeed(connection);
            }
        }
        if (slot.Open < _maxConnectionsPerHost)
        {
            return Open(key, slot, connect);
        }
        Waiter? waiter = null;
        var deferred = new Deferred<HttpClientConnection>(_ => slot.Waiting.Remove(waiter!));
        waiter = new Waiter(deferred, connect);
        slot.Waiting.AddLast(waiter);
        return deferred;
    }

    private HostSlot Slot(PoolKey key)
    {
        if (!_hosts.TryGetValue(key, out var slot))
        {
            slot = new HostSlot();
            _hosts[key] = slot;
        }
        return slot;
    }

    private Deferred<HttpClientConnection> Open(PoolKey key, HostSlot slot, Func<Deferred<HttpClientConnection>> connect)
    {
        slot.Open++;
        Deferred<HttpClientConnection> connecting;
        try
        {
            connecting = connect();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            connecting = Deferred.Fail<HttpClientConnection>(e);
        }
        var canceller = new Deferred<HttpClientConnection>(_ => connecting.Cancel());
        connecting.AddBoth<Unit>(outcome =>
        {
            if (outcome.Failure is { } failure)
            {
                slot.Open--;
                ServeWaiter(key, slot);
                canceller.Errback(failure);
                return Unit.Value;
            }
            var connection = outcome.Value;
            connection.Released = (c, reusable) => Released(key, slot, c, reusable);
            connection.Lost = c => Gone(key, slot, c);
            slot.Members.Add(connection);
            if (connection.IsLost)
            {
                Gone(key, slot, connection);
            }
            canceller.Callback(connection);
            return Unit.Value;
        });
        return canceller;
    }

    private void Released(PoolKey key, HostSlot slot, HttpClientConnection connection, bool reusable)
    {
        if (!slot.Members.Contains(connection))
        {
            return;
        }
        if (!reusable || !Persistent)
        {
            if (!connection.IsLost)
            {
                connection.Io.LoseConnection();
            }
            Gone(key, slot, connection);
            return;
        }
        if (slot.Waiting.First is { } first)
        {
            // Straight to the next in line: it was waiting for exactly this.
            slot.Waiting.RemoveFirst();
            connection.Reused = true;
            first.Value.Deferred.Callback(connection);
            return;
        }
        if (slot.Idle.Count >= _maxPersistentPerHost)
        {
            connection.Io.LoseConnection();
            Gone(key, slot, connection);
            return;
        }
        var timer = _reactor.CallLater(_cachedConnectionTimeout, () =>
        {
            slot.Idle.RemoveAll(i => i.Connection == connection);
            connection.Io.LoseConnection();
            Gone(key, slot, connection);
        });
        slot.Idle.Add((connection, timer));
    }

    private void Gone(PoolKey key, HostSlot slot, HttpClientConnection connection)
    {
        if (!slot.Members.Remove(connection))
        {
            return;
        }
        slot.Open--;
        var at = slot.Idle.FindIndex(i => i.Connection == connection);
        if (at >= 0)
        {
            CancelTimer(slot.Idle[at].Timer);
            slot.Idle.RemoveAt(at);
        }
        ServeWaiter(key, slot);
    }

    // A place opened up: the first waiter gets a new connection.
    private void ServeWaiter(PoolKey key, HostSlot slot)
    {
        if (slot.Open >= _maxConnectionsPerHost || slot.Waiting.First is not { } first)
        {
            if (slot.Open == 0 && slot.Waiting.Count == 0)
            {
                _hosts.Remove(key);
            }
            return;
        }
        slot.Waiting.RemoveFirst();
        var waiter = first.Value;
        Open(key, slot, waiter.Connect).AddBoth<Unit>(outcome =>
        {
            if (outcome.Failure is { } failure)
            {
                waiter.Deferred.Errback(failure);
            }
            else
            {
                waiter.Deferred.Callback(outcome.Value);
            }
            return Unit.Value;
        });
    }

    private static void CancelTimer(IDelayedCall timer)
    {
        if (timer.Active)
        {
            timer.Cancel();
        }
    }

    private sealed record Waiter(Deferred<HttpClientConnection> Deferred, Func<Deferred<HttpClientConnection>> Connect);

    private sealed class HostSlot
    {
        public int Open { get; set; }

        public HashSet<HttpClientConnection> Members { get; } = [];

        public List<(HttpClientConnection Connection, IDelayedCall Timer)> Idle { get; } = [];

        public LinkedList<Waiter> Waiting { get; } = [];
    }
}
