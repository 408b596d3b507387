using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// A fake <see cref="IReactorTime"/> for unit tests (Twisted's <c>task.Clock</c>): time starts at 0
/// and moves only when the test calls <see cref="Advance"/>, so timeouts and retries are tested
/// deterministically and instantly.
/// </summary>
/// <remarks>
/// As in Twisted, <see cref="Advance"/> keeps running the earliest call for as long as it is due,
/// so a call that schedules another with no delay sees it run within the same <see cref="Advance"/>;
/// an exception from a call propagates out of <see cref="Advance"/>, leaving later calls scheduled.
/// A clock belongs to the test's thread.
/// </remarks>
public sealed class Clock : IReactorTime
{
    private readonly TimerQueue _queue;
    private double _now;

    /// <summary>Creates a clock reading 0.</summary>
    public Clock() => _queue = new TimerQueue(() => _now);

    /// <summary>The current fake time in seconds.</summary>
    public double Seconds() => _now;

    /// <inheritdoc />
    public IDelayedCall CallLater(double delay, Action callable) => _queue.Schedule(delay, callable);

    /// <inheritdoc />
    public IReadOnlyList<IDelayedCall> GetDelayedCalls() => _queue.GetDelayedCalls();

    /// <summary>
    /// Moves time forward by <paramref name="seconds"/>, then runs the calls now due, earliest first,
    /// including those that the calls themselves make due.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative or not a number: time never goes back.</exception>
    public void Advance(double seconds)
    {
        if (double.IsNaN(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A clock only moves forward.");
        }
        _now += seconds;
        while (_queue.RunNextDue(_now))
        {
        }
    }

    /// <summary>Advances by each of <paramref name="timings"/> in turn (Twisted's <c>Clock.pump</c>).</summary>
    public void Pump(IEnumerable<double> timings)
    {
        ArgumentNullException.ThrowIfNull(timings);
        foreach (var seconds in timings)
        {
            Advance(seconds);
        }
    }
}
