namespace Torsion;

/// <summary>A call scheduled with <see cref="IReactorTime.CallLater"/> (Twisted's <c>IDelayedCall</c>).</summary>
public interface IDelayedCall
{
    /// <summary>When the call is due, in the scheduling clock's seconds.</summary>
    double Time { get; }

    /// <summary>True until the call has run or been cancelled.</summary>
    bool Active { get; }

    /// <summary>Unschedules the call.</summary>
    /// <exception cref="AlreadyCancelledException">It was cancelled before.</exception>
    /// <exception cref="AlreadyCalledException">It already ran.</exception>
    void Cancel();

    /// <summary>Moves the call later by <paramref name="seconds"/> (earlier if negative).</summary>
    void Delay(double seconds);

    /// <summary>Reschedules the call to <paramref name="seconds"/> from now.</summary>
    void Reset(double seconds);
}
