using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Services;

/// <summary>A service that keeps one connection to a client endpoint open while it runs, reconnecting with backoff when an attempt fails or the connection is lost (Twisted's <c>ClientService</c>).</summary>
public sealed class ClientService : Service
{
    private static readonly Logger Log = Logger.For<ClientService>();

    private readonly List<(Deferred<IProtocol> Deferred, int? FailAfter)> _waiters = [];
    private readonly List<Deferred> _stopWaiters = [];
    private Deferred<IProtocol>? _connecting;
    private IDelayedCall? _retry;
    private ClientServiceProtocol? _current;
    private int _failedAttempts;

    /// <summary>Creates a service connecting <paramref name="endpoint"/> with <paramref name="factory"/>, waiting <paramref name="retryPolicy"/>(attempt) seconds between attempts (default <see cref="BackoffPolicy"/>).</summary>
    public ClientService(IStreamClientEndpoint endpoint, Factory factory, IReactorTime clock, Func<int, double>? retryPolicy = null)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        Factory = factory ?? throw new ArgumentNullException(nameof(factory));
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        RetryPolicy = retryPolicy ?? BackoffPolicy();
    }

    /// <summary>The endpoint connected to.</summary>
    public IStreamClientEndpoint Endpoint { get; }

    /// <summary>The factory building each connection's protocol.</summary>
    public Factory Factory { get; }

    /// <summary>The clock the retry delays are scheduled on.</summary>
    public IReactorTime Clock { get; }

    /// <summary>Seconds to wait before the next attempt, given how many attempts in a row have failed (or 1 after a lost connection).</summary>
    public Func<int, double> RetryPolicy { get; }

    /// <summary>
    /// Twisted's default backoff: <c>min(initialDelay * factor^min(100, attempt), maxDelay) + jitter()</c>,
    /// with a jitter uniformly in [0, 1) unless given.
    /// </summary>
    public static Func<int, double> BackoffPolicy(double initialDelay = 1.0, double maxDelay = 60, double factor = 1.5, Func<double>? jitter = null)
    {
        jitter ??= Random.Shared.NextDouble;
        return attempt => Math.Min(initialDelay * Math.Pow(factor, Math.Min(100, attempt)), maxDelay) + jitter();
    }

    /// <summary>
    /// A Deferred that fires with the connected protocol: at once if connected, else on the next
    /// connection. With <paramref name="failAfterFailures"/>, it fails with the last attempt's error
    /// after that many failed attempts in a row; stopping the service fails it with <see cref="CancelledException"/>.
    /// </summary>
    public Deferred<IProtocol> WhenConnected(int? failAfterFailures = null)
    {
        if (failAfterFailures is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(failAfterFailures), failAfterFailures, "Must be at least 1.");
        }
        if (_current is { Lost: false } current && Running)
        {
            return Deferred.Succeed(current.Inner);
        }
        var d = new Deferred<IProtocol>();
        _waiters.Add((d, failAfterFailures));
        return d;
    }

    /// <inheritdoc/>
    public override void StartService()
    {
        if (Running)
        {
            return;
        }
        base.StartService();
        _failedAttempts = 0;
        Connect();
    }

    /// <inheritdoc/>
    /// <remarks>Cancels an attempt or pending retry, disconnects, and fires once the connection is lost.</remarks>
    public override Deferred StopService()
    {
        base.StopService();
        _retry?.Cancel();
        _retry = null;
        var connecting = _connecting;
        _connecting = null;
        connecting?.Cancel();
        var waiters = _waiters.ToArray();
        _waiters.Clear();
        foreach (var (d, _) in waiters)
        {
            d.Errback(new CancelledException("The ClientService was stopped."));
        }
        if (_current is { Lost: false } current)
        {
            var stopped = new Deferred();
            _stopWaiters.Add(stopped);
            current.Transport?.LoseConnection();
            return stopped;
        }
        _current = null;
        return Deferred.Succeed();
    }

    private void Connect()
    {
        var attempt = _connecting = Endpoint.Connect(new ClientServiceFactory(Factory, OnLost));
        attempt.AddBoth(outcome =>
        {
            if (!ReferenceEquals(_connecting, attempt))
            {
                // Stopped meanwhile: a connection that still made it is not wanted.
                if (outcome.Succeeded && outcome.Value is ClientServiceProtocol late)
                {
                    late.Transport?.LoseConnection();
                }
                return Unit.Value;
            }
            _connecting = null;
            if (outcome.Succeeded)
            {
                Connected((ClientServiceProtocol)outcome.Value);
            }
            else
            {
                Failed(outcome.Failure!);
            }
            return Unit.Value;
        });
    }

    private void Connected(ClientServiceProtocol protocol)
    {
        _failedAttempts = 0;
        _current = protocol;
        if (protocol.Lost)
        {
            // Lost before the endpoint reported the connection: OnLost ignored it as not current.
            OnLost(protocol);
            return;
        }
        var waiters = _waiters.ToArray();
        _waiters.Clear();
        foreach (var (d, _) in waiters)
        {
            d.Callback(protocol.Inner);
        }
    }

    private void Failed(Failure failure)
    {
        _failedAttempts++;
        Log.Info("Connecting to {endpoint} failed ({attempts} in a row): {reason}",
            ("endpoint", Endpoint), ("attempts", _failedAttempts), ("reason", failure.ErrorMessage));
        foreach (var waiter in _waiters.ToArray())
        {
            if (waiter.FailAfter is { } n && _failedAttempts >= n)
            {
                _waiters.Remove(waiter);
                waiter.Deferred.Errback(failure);
            }
        }
        Wait();
    }

    private void OnLost(ClientServiceProtocol protocol)
    {
        if (!ReferenceEquals(_current, protocol))
        {
            return;
        }
        _current = null;
        if (!Running)
        {
            var stopWaiters = _stopWaiters.ToArray();
            _stopWaiters.Clear();
            foreach (var d in stopWaiters)
            {
                d.Callback();
            }
            return;
        }
        _failedAttempts++;
        Wait();
    }

    private void Wait()
    {
        if (Running)
        {
            _retry = Clock.CallLater(RetryPolicy(_failedAttempts), () =>
            {
                _retry = null;
                Connect();
            });
        }
    }
}
