using System.Globalization;

namespace Torsion.Internet;

/// <summary>
/// A call scheduled on a reactor or a test clock (Twisted's <c>DelayedCall</c>), returned by
/// <see cref="IReactorTime.CallLater"/>. It runs once, unless it is cancelled first.
/// Every member must be called on the thread that owns the scheduler (the reactor thread).
/// </summary>
public sealed class DelayedCall : IDelayedCall
{
    private readonly TimerQueue _queue;
    private Action? _callable;

    internal DelayedCall(TimerQueue queue, double time, long sequence, Action callable)
    {
        _queue = queue;
        Time = time;
        Sequence = sequence;
        _callable = callable;
    }

    /// <inheritdoc />
    public double Time { get; internal set; }

    /// <inheritdoc />
    public bool Active => !Called && !Cancelled;

    /// <summary>True once the call has run (or started running).</summary>
    public bool Called { get; private set; }

    /// <summary>True once the call has been cancelled.</summary>
    public bool Cancelled { get; private set; }

    /// <summary>
    /// Orders calls due at the same time: a fresh number is taken each time the call is scheduled
    /// or rescheduled, so ties run in the order the calls were (re)scheduled.
    /// </summary>
    internal long Sequence { get; set; }

    /// <summary>Where the call sits in its queue's heap; -1 when it is not in the heap.</summary>
    internal int HeapIndex { get; set; } = -1;

    /// <summary>True while the call waits in the queue's list of calls (re)scheduled during a run.</summary>
    internal bool Parked { get; set; }

    /// <inheritdoc />
    public void Cancel()
    {
        ThrowIfInactive();
        Cancelled = true;
        // Drop the callable so a cancelled timer does not keep its protocol (and everything the
        // closure captured) alive while a caller still holds the handle.
        _callable = null;
        _queue.Remove(this);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is not a number.</exception>
    public void Delay(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "The delay must be a number.");
        }
        ThrowIfInactive();
        _queue.Reschedule(this, Time + seconds);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative or not a number.</exception>
    public void Reset(double seconds)
    {
        TimerQueue.CheckDelay(seconds, nameof(seconds));
        ThrowIfInactive();
        _queue.Reschedule(this, _queue.Now() + seconds);
    }

    /// <summary>Marks the call as run and returns what to invoke; the queue has already removed it.</summary>
    internal Action TakeCallable()
    {
        Called = true;
        var callable = _callable!;
        _callable = null;
        return callable;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var state = Called ? "called" : Cancelled ? "cancelled" : "active";
        return string.Create(CultureInfo.InvariantCulture, $"<DelayedCall at {Time}s ({Time - _queue.Now():0.###}s from now), {state}>");
    }

    private void ThrowIfInactive()
    {
        if (Cancelled)
        {
            throw new AlreadyCancelledException();
        }
        if (Called)
        {
            throw new AlreadyCalledException("The delayed call has already run.");
        }
    }
}
