using Torsion.Defer;
using Torsion.Logging;

namespace Torsion.Internet;

/// <summary>
/// A client factory that reconnects with exponential backoff after a failed attempt or a lost
/// connection (Twisted's <c>ReconnectingClientFactory</c>). The delay starts at
/// <see cref="InitialDelay"/>, is multiplied by <see cref="Factor"/> after each try up to
/// <see cref="MaxDelay"/>, and is spread by a normal jitter of <see cref="Jitter"/> × delay so that
/// many clients of one server do not reconnect in lock step. Call <see cref="ResetDelay"/> once a
/// connection works (typically in <c>BuildProtocol</c>) and <see cref="StopTrying"/> to give up.
/// </summary>
public class ReconnectingClientFactory : ClientFactory
{
    private readonly Random _random;
    private IDelayedCall? _pending;
    private IConnector? _connector;

    /// <summary>A factory whose <see cref="Factory.BuildProtocol"/> must be overridden.</summary>
    protected ReconnectingClientFactory(IReactorTime clock, Random? random = null)
    {
        Clock = clock;
        _random = random ?? Random.Shared;
        Delay = InitialDelay;
    }

    /// <summary>A factory that calls <paramref name="protocol"/> for each connection and schedules retries on <paramref name="clock"/>.</summary>
    public ReconnectingClientFactory(IReactorTime clock, Func<IProtocol> protocol, Random? random = null) : base(protocol)
    {
        Clock = clock;
        _random = random ?? Random.Shared;
        Delay = InitialDelay;
    }

    /// <summary>Where retries are scheduled.</summary>
    public IReactorTime Clock { get; set; }

    /// <summary>The longest wait between attempts, in seconds (default 3600).</summary>
    public double MaxDelay { get; set; } = 3600;

    /// <summary>The first wait, in seconds (default 1). Setting it before any retry also sets <see cref="Delay"/>.</summary>
    public double InitialDelay
    {
        get => _initialDelay;
        set
        {
            _initialDelay = value;
            if (Retries == 0)
            {
                Delay = value;
            }
        }
    }

    private double _initialDelay = 1.0;

    /// <summary>The growth factor per attempt (default e, as in Twisted).</summary>
    public double Factor { get; set; } = Math.E;

    /// <summary>The standard deviation of the delay, as a fraction of it (default 0.11962656472, as in Twisted).</summary>
    public double Jitter { get; set; } = 0.11962656472;

    /// <summary>Give up after this many retries in a row; null means never (the default).</summary>
    public int? MaxRetries { get; set; }

    /// <summary>The delay the next retry will start from.</summary>
    public double Delay { get; private set; }

    /// <summary>Retries made since the last <see cref="ResetDelay"/>.</summary>
    public int Retries { get; private set; }

    /// <summary>False after <see cref="StopTrying"/> (until <see cref="ResetDelay"/>).</summary>
    public bool ContinueTrying { get; private set; } = true;

    /// <summary>True while a retry is scheduled.</summary>
    public bool RetryPending => _pending is { Active: true };

    /// <inheritdoc />
    public override void ClientConnectionFailed(IConnector connector, Failure reason)
    {
        if (ContinueTrying)
        {
            _connector = connector;
            Retry();
        }
    }

    /// <inheritdoc />
    public override void ClientConnectionLost(IConnector connector, Failure reason)
    {
        if (ContinueTrying)
        {
            _connector = connector;
            Retry();
        }
    }

    /// <summary>Schedules the next attempt on the remembered connector (or <paramref name="connector"/>).</summary>
    public void Retry(IConnector? connector = null)
    {
        if (!ContinueTrying)
        {
            return;
        }
        connector ??= _connector ?? throw new InvalidOperationException("No connector to retry: no attempt has been made yet.");
        _connector = connector;
        Retries++;
        if (MaxRetries is { } max && Retries > max)
        {
            Log.Info("Abandoning {connector} after {retries} retries.", ("connector", connector), ("retries", max));
            return;
        }
        Delay = Math.Min(Delay * Factor, MaxDelay);
        if (Jitter > 0)
        {
            Delay = Math.Max(0, Normal(Delay, Delay * Jitter));
        }
        Log.Info("Will retry {connector} in {delay:F2} seconds.", ("connector", connector), ("delay", Delay));
        _pending = Clock.CallLater(Delay, () =>
        {
            _pending = null;
            connector.Connect();
        });
    }

    /// <summary>Cancels a scheduled retry and any attempt in progress, and stops reconnecting.</summary>
    public void StopTrying()
    {
        if (_pending is { Active: true })
        {
            _pending.Cancel();
        }
        _pending = null;
        ContinueTrying = false;
        if (_connector is not null)
        {
            try
            {
                _connector.StopConnecting();
            }
            catch (InvalidOperationException)
            {
                // Not connecting: nothing to stop.
            }
        }
    }

    /// <summary>Back to the initial delay and zero retries; reconnecting is on again. Call it once a connection works.</summary>
    public void ResetDelay()
    {
        Delay = InitialDelay;
        Retries = 0;
        _pending = null;
        ContinueTrying = true;
    }

    // Box–Muller: Twisted uses random.normalvariate; any normal sampler gives the same spread.
    private double Normal(double mean, double deviation)
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return mean + deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static readonly Logger Log = new("Torsion.Internet.ReconnectingClientFactory");
}
