namespace Torsion;

/// <summary>Time and timed calls (Twisted's <c>IReactorTime</c>).</summary>
public interface IReactorTime
{
    /// <summary>The current time in seconds, from a monotonic clock.</summary>
    double Seconds();

    /// <summary>
    /// Calls <paramref name="callable"/> once, <paramref name="delay"/> seconds from now, on the
    /// reactor's thread. Calls due at the same time run in the order they were scheduled.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or not a number.</exception>
    IDelayedCall CallLater(double delay, Action callable);

    /// <summary>The calls scheduled and not yet run or cancelled.</summary>
    IReadOnlyList<IDelayedCall> GetDelayedCalls();
}
