using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Calls a function repeatedly, every <see cref="Interval"/> seconds, on a clock (Twisted's
/// <c>task.LoopingCall</c>).
/// </summary>
/// <remarks>
/// Calls fall on a grid aligned to the time <see cref="Start"/> was called: the call after one
/// that ran at time <c>t</c> is at the next grid point after <c>t</c>, so a slow call does not
/// push the schedule back, and grid points that passed while a call was running are skipped (not
/// made up for). <see cref="WithCount(IReactorTime, Action{int})"/> tells the function how many
/// points went by. When the function returns a Deferred, the next call is scheduled only once
/// it fires. Use a LoopingCall from the clock's thread only.
/// </remarks>
public sealed class LoopingCall
{
    // Grid arithmetic in doubles can land a hair before a grid point; a call scheduled for
    // exactly a grid point must count as being on it (see IntervalOf).
    private const double GridTolerance = 1e-9;

    private Func<Deferred?> _f;
    private Deferred<LoopingCall>? _deferred;
    private IDelayedCall? _call;
    private double _startTime;
    private bool _runAtStart;
    private double? _lastCountedTime;

    /// <summary>Creates a loop that calls <paramref name="f"/> on <paramref name="clock"/>.</summary>
    public LoopingCall(IReactorTime clock, Action f)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(f);
        Clock = clock;
        _f = () =>
        {
            f();
            return null;
        };
    }

    /// <summary>
    /// Creates a loop that calls <paramref name="f"/> on <paramref name="clock"/>; when it returns
    /// a Deferred, the loop waits for it before scheduling the next call (and stops with its failure).
    /// </summary>
    public LoopingCall(IReactorTime clock, Func<Deferred?> f)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(f);
        Clock = clock;
        _f = f;
    }

    /// <summary>
    /// A loop whose function receives the number of intervals that elapsed since its previous call
    /// (Twisted's <c>LoopingCall.withCount</c>): 1 normally, more when the clock skipped grid points
    /// because a call ran long or the process was suspended. With an interval of 0 it is always 1.
    /// </summary>
    public static LoopingCall WithCount(IReactorTime clock, Action<int> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return WithCount(clock, count =>
        {
            f(count);
            return null;
        });
    }

    /// <summary>Like <see cref="WithCount(IReactorTime, Action{int})"/>, for a function that may return a Deferred to wait for.</summary>
    public static LoopingCall WithCount(IReactorTime clock, Func<int, Deferred?> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var loop = new LoopingCall(clock, static () => null);
        loop._f = () => loop.CallWithCount(f);
        return loop;
    }

    /// <summary>The clock the calls are scheduled on; tests may swap in a fake one before <see cref="Start"/>.</summary>
    public IReactorTime Clock
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>True from <see cref="Start"/> until <see cref="Stop"/> or a failure of the function.</summary>
    public bool Running { get; private set; }

    /// <summary>The interval given to the last <see cref="Start"/>, in seconds.</summary>
    public double Interval { get; private set; }

    /// <summary>
    /// Starts calling the function every <paramref name="interval"/> seconds, the first time at once
    /// when <paramref name="now"/> is true, otherwise after one interval. An interval of 0 calls
    /// it once per pass of the reactor loop.
    /// </summary>
    /// <returns>
    /// A Deferred that fires with this loop when it is stopped, or fails with the function's
    /// exception (or its Deferred's failure), which also stops the loop.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is negative or not a number.</exception>
    /// <exception cref="InvalidOperationException">The loop is running, or a stopped loop's last call has not finished yet.</exception>
    public Deferred<LoopingCall> Start(double interval, bool now = true)
    {
        if (Running)
        {
            throw new InvalidOperationException("Tried to start an already running LoopingCall.");
        }
        if (double.IsNaN(interval) || interval < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be zero or more seconds.");
        }
        if (_deferred is not null)
        {
            // Stopped while the function's Deferred was pending: its completion still belongs to
            // the old run, and starting now would leave two chains of calls.
            throw new InvalidOperationException("The LoopingCall was stopped but its last call has not finished yet.");
        }
        Running = true;
        // The loop may finish inside this method (the function fails at once), which clears _deferred.
        var deferred = _deferred = new Deferred<LoopingCall>();
        _startTime = Clock.Seconds();
        Interval = interval;
        _runAtStart = now;
        _lastCountedTime = null;
        if (now)
        {
            Call();
        }
        else
        {
            ScheduleFrom(_startTime);
        }
        return deferred;
    }

    /// <summary>
    /// Stops the loop. The Deferred from <see cref="Start"/> fires with this loop now, or, if a call
    /// is waiting for the function's Deferred, when that fires.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is not running.</exception>
    public void Stop()
    {
        if (!Running)
        {
            throw new InvalidOperationException("Tried to stop a LoopingCall that was not running.");
        }
        Running = false;
        if (_call is not null)
        {
            _call.Cancel();
            _call = null;
            Finish();
        }
    }

    /// <summary>
    /// Restarts the grid from now: the next call is one interval from now. Does nothing while a call
    /// is waiting for the function's Deferred.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is not running.</exception>
    public void Reset()
    {
        if (!Running)
        {
            throw new InvalidOperationException("Tried to reset a LoopingCall that was not running.");
        }
        if (_call is not null)
        {
            _call.Cancel();
            _call = null;
            _startTime = Clock.Seconds();
            ScheduleFrom(_startTime);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"LoopingCall<{Interval}>({(Running ? "running" : "stopped")})";

    private void Call()
    {
        _call = null;
        Deferred? result;
        try
        {
            result = _f();
        }
        catch (Exception e)
        {
            Fail(new Failure(e));
            return;
        }
        if (result is null)
        {
            Continue();
            return;
        }
        result.AddBoth(outcome =>
        {
            if (outcome.Succeeded)
            {
                Continue();
            }
            else
            {
                Fail(outcome.Failure!);
            }
            // The failure is now the Start Deferred's; this chain must not also report it.
            return Unit.Value;
        });
    }

    private void Continue()
    {
        if (Running)
        {
            ScheduleFrom(Clock.Seconds());
        }
        else
        {
            Finish();
        }
    }

    private void Finish()
    {
        var d = _deferred!;
        _deferred = null;
        d.Callback(this);
    }

    private void Fail(Failure failure)
    {
        Running = false;
        var d = _deferred!;
        _deferred = null;
        d.Errback(failure);
    }

    private void ScheduleFrom(double when)
    {
        _call = Clock.CallLater(DelayFrom(when), Call);
    }

    private double DelayFrom(double when)
    {
        if (Interval == 0)
        {
            return 0;
        }
        var runningFor = when - _startTime;
        var untilNext = Interval - (runningFor % Interval);
        // When the remainder is within rounding of a whole interval, when + untilNext == when:
        // scheduling that would run the call again at once, so wait a whole interval instead.
        return when == when + untilNext ? Interval : untilNext;
    }

    private Deferred? CallWithCount(Func<int, Deferred?> f)
    {
        var now = Clock.Seconds();
        if (Interval == 0)
        {
            _lastCountedTime = now;
            return f(1);
        }
        // The first call of a loop started with now=true counts as one interval, as if the
        // previous call had been one interval before the start.
        var last = _lastCountedTime ?? (_runAtStart ? _startTime - Interval : _startTime);
        var count = IntervalOf(now) - IntervalOf(last);
        if (count <= 0)
        {
            return null;
        }
        _lastCountedTime = now;
        return f(count);
    }

    private int IntervalOf(double time) => (int)Math.Floor((time - _startTime) / Interval + GridTolerance);
}
