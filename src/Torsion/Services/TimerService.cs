using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Services;

/// <summary>A service that calls a function every <see cref="Interval"/> seconds while it runs, starting at once (Twisted's <c>TimerService</c>).</summary>
/// <remarks>
/// Built on <see cref="LoopingCall"/>: when the function returns a Deferred, the next call waits
/// for it, and <see cref="StopService"/> fires only once a call in progress has finished. A failing
/// call is logged and ends the loop; the service stays "running" until stopped.
/// </remarks>
public sealed class TimerService : Service
{
    private static readonly Logger Log = Logger.For<TimerService>();

    private readonly IReactorTime _clock;
    private readonly Func<Deferred?> _call;
    private LoopingCall? _loop;
    private Deferred<Unit>? _loopDone;

    /// <summary>Creates a timer calling <paramref name="call"/>, which may return a Deferred to delay the next call until it fires.</summary>
    public TimerService(IReactorTime clock, double interval, Func<Deferred?> call)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _call = call ?? throw new ArgumentNullException(nameof(call));
        if (double.IsNaN(interval) || interval < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be zero or more seconds.");
        }
        Interval = interval;
    }

    /// <summary>Creates a timer calling <paramref name="call"/>.</summary>
    public TimerService(IReactorTime clock, double interval, Action call)
        : this(clock, interval, Wrap(call))
    {
    }

    /// <summary>Seconds between calls.</summary>
    public double Interval { get; }

    /// <inheritdoc/>
    public override void StartService()
    {
        base.StartService();
        _loop = new LoopingCall(_clock, _call);
        _loopDone = _loop.Start(Interval, now: true).AddBoth(outcome =>
        {
            if (!outcome.Succeeded)
            {
                Log.Failure("The timer's function failed; it will not be called again", outcome.Failure!, Torsion.Logging.LogLevel.Critical);
            }
            return Unit.Value;
        });
    }

    /// <inheritdoc/>
    /// <remarks>The Deferred fires once a call in progress (one whose Deferred is still pending) has finished.</remarks>
    public override Deferred StopService()
    {
        if (_loop is null || _loopDone is null)
        {
            return base.StopService();
        }
        if (_loop.Running)
        {
            _loop.Stop();
        }
        var loopDone = _loopDone;
        _loop = null;
        _loopDone = null;
        var stopped = new Deferred();
        loopDone.AddBoth(_ =>
        {
            base.StopService();
            stopped.Callback();
            return Unit.Value;
        });
        return stopped;
    }

    private static Func<Deferred?> Wrap(Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return () =>
        {
            call();
            return null;
        };
    }
}
