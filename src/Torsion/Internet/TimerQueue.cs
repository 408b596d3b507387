namespace Torsion.Internet;

/// <summary>
/// The reactor's pending timed calls: a binary min-heap of <see cref="DelayedCall"/>s ordered by
/// (time, sequence), so calls due at the same time run in the order they were scheduled.
/// </summary>
/// <remarks>
/// Each call knows its index in the heap, so cancelling or rescheduling one is O(log n) and a
/// cancelled call leaves the heap at once: a server that arms and cancels a timeout per request
/// never accumulates dead entries. Only the reactor thread touches a queue, so there are no locks.
/// </remarks>
internal sealed class TimerQueue
{
    // Below this the backing array is never shrunk: small heaps are not worth the copies.
    private const int MinimumCapacityToShrink = 256;

    private readonly Func<double> _now;
    private readonly List<DelayedCall> _heap = new();

    // Calls scheduled or rescheduled while RunDue is running. They join the heap only when the run
    // ends, so a call that reschedules itself with no delay runs once per pass and cannot starve I/O.
    private readonly List<DelayedCall> _parked = new();

    private long _nextSequence;
    private int _activeCount;
    private bool _running;

    /// <summary>Creates a queue measuring time with <paramref name="now"/> (seconds, monotonic).</summary>
    public TimerQueue(Func<double> now)
    {
        ArgumentNullException.ThrowIfNull(now);
        _now = now;
    }

    /// <summary>The earliest time at which an active call is due, or null when none is scheduled.</summary>
    public double? NextDueTime
    {
        get
        {
            double? next = _heap.Count > 0 ? _heap[0].Time : null;
            foreach (var call in _parked)
            {
                if (call.Active && (next is null || call.Time < next))
                {
                    next = call.Time;
                }
            }
            return next;
        }
    }

    /// <summary>The number of calls scheduled and neither run nor cancelled.</summary>
    public int Count => _activeCount;

    /// <summary>In the last <see cref="RunDue"/> that ran calls: how long after its due time the most overdue one ran, in seconds.</summary>
    internal double LastLateness { get; private set; }

    /// <summary>How many entries the heap holds; a test checks that cancelled calls leave it.</summary>
    internal int HeapSize => _heap.Count;

    /// <summary>The heap's backing capacity; a test checks that it shrinks after a burst of timers.</summary>
    internal int HeapCapacity => _heap.Capacity;

    /// <summary>The current time by this queue's clock.</summary>
    internal double Now() => _now();

    /// <summary>Schedules <paramref name="callable"/> to run <paramref name="delay"/> seconds from now.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or not a number.</exception>
    public DelayedCall Schedule(double delay, Action callable)
    {
        CheckDelay(delay, nameof(delay));
        ArgumentNullException.ThrowIfNull(callable);
        var call = new DelayedCall(this, _now() + delay, _nextSequence++, callable);
        _activeCount++;
        if (_running)
        {
            Park(call);
        }
        else
        {
            Push(call);
        }
        return call;
    }

    /// <summary>
    /// Runs every active call due by the time the run starts, earliest first and ties in scheduling
    /// order, and returns how many ran. Calls scheduled or rescheduled during the run wait for the
    /// next one. An exception from a call goes to <paramref name="onError"/> and the rest still run.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from inside a call that this queue is running.</exception>
    public int RunDue(Action<Exception> onError)
    {
        ArgumentNullException.ThrowIfNull(onError);
        if (_running)
        {
            throw new InvalidOperationException("RunDue is already running on this queue.");
        }
        // One reading of the clock for the whole pass, as Twisted's runUntilCurrent does.
        var now = _now();
        var ran = 0;
        var earliest = _heap.Count > 0 ? _heap[0].Time : now;
        _running = true;
        try
        {
            while (_heap.Count > 0 && _heap[0].Time <= now)
            {
                var callable = Take(PopMin());
                ran++;
                try
                {
                    callable();
                }
                catch (Exception e)
                {
                    onError(e);
                }
            }
        }
        finally
        {
            _running = false;
            if (ran > 0)
            {
                // The heap yields the earliest first, so the first call run was the most overdue.
                LastLateness = now - earliest;
            }
            foreach (var call in _parked)
            {
                call.Parked = false;
                if (call.Active)
                {
                    Push(call);
                }
            }
            _parked.Clear();
            MaybeShrink();
        }
        return ran;
    }

    /// <summary>
    /// Runs the earliest call if it is due by <paramref name="now"/> and returns true, or returns
    /// false. Exceptions propagate. This is the step of a test clock's Advance, which (like
    /// Twisted's <c>Clock.advance</c>) also runs calls that its own calls make due.
    /// </summary>
    internal bool RunNextDue(double now)
    {
        if (_running || _heap.Count == 0 || _heap[0].Time > now)
        {
            return false;
        }
        Take(PopMin())();
        return true;
    }

    /// <summary>A snapshot of the active calls, earliest first.</summary>
    public IReadOnlyList<IDelayedCall> GetDelayedCalls()
    {
        var calls = new List<DelayedCall>(_activeCount);
        calls.AddRange(_heap);
        foreach (var call in _parked)
        {
            if (call.Active)
            {
                calls.Add(call);
            }
        }
        calls.Sort(static (a, b) => Less(a, b) ? -1 : Less(b, a) ? 1 : 0);
        return calls.ToArray();
    }

    /// <summary>Throws unless <paramref name="delay"/> is a non-negative number.</summary>
    internal static void CheckDelay(double delay, string paramName)
    {
        if (double.IsNaN(delay) || delay < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, delay, "A delay must be a non-negative number of seconds.");
        }
    }

    /// <summary>Takes a cancelled call out of the queue.</summary>
    internal void Remove(DelayedCall call)
    {
        _activeCount--;
        if (call.HeapIndex >= 0)
        {
            RemoveAt(call.HeapIndex);
            MaybeShrink();
        }
        // A parked call stays in the parked list until the run ends; it is skipped as inactive.
    }

    /// <summary>Moves an active call to <paramref name="time"/>.</summary>
    internal void Reschedule(DelayedCall call, double time)
    {
        call.Time = time;
        call.Sequence = _nextSequence++;
        if (_running)
        {
            if (call.HeapIndex >= 0)
            {
                RemoveAt(call.HeapIndex);
            }
            Park(call);
            return;
        }
        // The key changed in either direction; at most one of the sifts moves it.
        var index = call.HeapIndex;
        SiftUp(index);
        SiftDown(call.HeapIndex);
    }

    private Action Take(DelayedCall call)
    {
        _activeCount--;
        return call.TakeCallable();
    }

    private void Park(DelayedCall call)
    {
        if (!call.Parked)
        {
            call.Parked = true;
            _parked.Add(call);
        }
    }

    private static bool Less(DelayedCall a, DelayedCall b) =>
        a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    private void Push(DelayedCall call)
    {
        _heap.Add(call);
        call.HeapIndex = _heap.Count - 1;
        SiftUp(call.HeapIndex);
    }

    private DelayedCall PopMin()
    {
        var min = _heap[0];
        RemoveAt(0);
        return min;
    }

    private void RemoveAt(int index)
    {
        var removed = _heap[index];
        var lastIndex = _heap.Count - 1;
        var last = _heap[lastIndex];
        _heap.RemoveAt(lastIndex);
        removed.HeapIndex = -1;
        if (index < lastIndex)
        {
            _heap[index] = last;
            last.HeapIndex = index;
            SiftUp(index);
            SiftDown(last.HeapIndex);
        }
    }

    private void SiftUp(int index)
    {
        var call = _heap[index];
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (!Less(call, _heap[parent]))
            {
                break;
            }
            Place(_heap[parent], index);
            index = parent;
        }
        Place(call, index);
    }

    private void SiftDown(int index)
    {
        var call = _heap[index];
        var count = _heap.Count;
        while (true)
        {
            var child = 2 * index + 1;
            if (child >= count)
            {
                break;
            }
            if (child + 1 < count && Less(_heap[child + 1], _heap[child]))
            {
                child++;
            }
            if (!Less(_heap[child], call))
            {
                break;
            }
            Place(_heap[child], index);
            index = child;
        }
        Place(call, index);
    }

    private void Place(DelayedCall call, int index)
    {
        _heap[index] = call;
        call.HeapIndex = index;
    }

    // After a burst (100k connections' timeouts, then quiet) give the memory back; shrinking only
    // when three quarters are unused keeps the copies amortised O(1) per removal.
    private void MaybeShrink()
    {
        if (_heap.Capacity >= MinimumCapacityToShrink && _heap.Count < _heap.Capacity / 4)
        {
            _heap.Capacity = Math.Max(_heap.Count * 2, MinimumCapacityToShrink / 2);
        }
    }
}
