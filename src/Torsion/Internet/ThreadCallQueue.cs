namespace Torsion.Internet;

/// <summary>
/// The loop's queue of <see cref="ThreadCall"/>s: any thread queues, the reactor thread takes. A linked list
/// through the calls themselves (an intrusive multi-producer, single-consumer queue): a producer swaps itself
/// in as the tail and then links the old tail to itself; the consumer follows the links. The consumer never
/// touches the tail's cache line and a producer never touches the head's, so a worker that hands the loop a
/// result pays for one line the loop has read (the link in the call before), not for a shared index, a slot
/// and a compare-and-swap on a line the spinning loop keeps reading, as a queue of slots costs.
/// </summary>
/// <remarks>
/// The head is the last call taken (first a stub), whose link gives the next. A call therefore stays in the
/// queue as its anchor after it ran, until the next one is taken: queuing it again before then would cut the
/// list. Calls are made for one trip (each piece of the pool's work is one object, queued once).
/// </remarks>
internal sealed class ThreadCallQueue
{
    private PaddedCall _head;
    private PaddedCall _tail;

    public ThreadCallQueue()
    {
        var stub = new Stub();
        _head.Value = stub;
        _tail.Value = stub;
    }

    /// <summary>Queues <paramref name="call"/> last. Any thread; a full fence (the swap).</summary>
    public void Enqueue(ThreadCall call) => EnqueueChain(call, call);

    /// <summary>
    /// Queues the calls linked from <paramref name="first"/> through <see cref="ThreadCall.NextCall"/> to
    /// <paramref name="last"/>, in that order, with one swap. Any thread.
    /// </summary>
    public void EnqueueChain(ThreadCall first, ThreadCall last)
    {
        last.NextCall = null;
        var previous = Interlocked.Exchange(ref _tail.Value, last)!;
        // Between the swap and this link the calls are queued but not yet reachable: IsEmpty says so, and the
        // loop does not sleep meanwhile (ReactorBase.ReadyToSleep).
        Volatile.Write(ref previous.NextCall, first);
    }

    /// <summary>The next call, taken out of the queue, or null. Reactor thread only.</summary>
    public ThreadCall? TryDequeue()
    {
        var head = _head.Value!;
        var next = Volatile.Read(ref head.NextCall);
        if (next is not null)
        {
            _head.Value = next;
            // The call that leaves the queue forgets the one after it (its link was written before it was read,
            // and only this thread reads it). Otherwise a call the collector promoted, dead as it is, keeps
            // every call queued after it alive through the links, and each young collection promotes them all.
            head.NextCall = null;
        }
        return next;
    }

    /// <summary>True when a call can be taken now. Reactor thread only; reads only the head's side.</summary>
    public bool HasReady => Volatile.Read(ref _head.Value!.NextCall) is not null;

    /// <summary>
    /// True when nothing is queued, not even a call whose producer is between its swap and its link.
    /// Reactor thread only; reads the tail's line, so for the moment before a sleep, not for every pass.
    /// </summary>
    public bool IsEmpty => !HasReady && ReferenceEquals(Volatile.Read(ref _tail.Value), _head.Value);

    /// <summary>The first anchor: never run.</summary>
    private sealed class Stub : ThreadCall
    {
        internal override void RunCall() => throw new InvalidOperationException("The thread-call queue's stub never runs.");
    }
}
