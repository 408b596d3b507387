namespace Torsion.Internet;

/// <summary>
/// Thread calls a worker keeps back from the loop for a moment: a stack that worker threads push onto and that
/// either a worker (handing over all it holds, with its next call) or the loop (when it runs out of work, see
/// <see cref="ReactorBase.AddHeldCalls"/>) takes whole. Handing a call to the loop costs a worker one cache line
/// the loop has read (<see cref="ThreadCallQueue"/>'s link); several handed over together cost one line.
/// </summary>
/// <remarks>
/// Pushing is a compare-and-swap on a line the loop reads only when it goes looking (idle, or every
/// <see cref="ReactorBase.HeldCallWait"/>), so a worker's pushes stay on its own core. Taking is one exchange, so
/// each call is taken once, by one side; calls come out oldest first.
/// </remarks>
internal sealed class HeldThreadCalls
{
    private PaddedCall _top;

    /// <summary>Holds <paramref name="call"/>; true when nothing was held before it. Any thread.</summary>
    public bool Push(ThreadCall call)
    {
        while (true)
        {
            var top = Volatile.Read(ref _top.Value);
            call.NextCall = top;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _top.Value, call, top), top))
            {
                return top is null;
            }
        }
    }

    /// <summary>
    /// Takes every held call: the oldest is returned and the newest is <paramref name="last"/>, linked oldest to
    /// newest through <see cref="ThreadCall.NextCall"/>; null when none is held. Any thread.
    /// </summary>
    public ThreadCall? TakeAll(out ThreadCall? last)
    {
        // Looked at before it is swapped: a swap takes the line from the thread pushing to it even when there is
        // nothing to take, and the loop looks here while it waits.
        if (Volatile.Read(ref _top.Value) is null)
        {
            last = null;
            return null;
        }
        var newest = Interlocked.Exchange(ref _top.Value, null);
        last = newest;
        ThreadCall? older = null;
        for (var call = newest; call is not null;)
        {
            var next = call.NextCall;
            call.NextCall = older;
            older = call;
            call = next;
        }
        return older;
    }
}
