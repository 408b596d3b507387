using System.Runtime.CompilerServices;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>
/// The pool's queue of work waiting for a connection, oldest first: one producer (the reactor thread, which
/// queues all work) and any number of takers (the reactor thread, and workers handing their connection on).
/// A linked list through the work itself, so taking the next work reads only lines that work already brings:
/// the link to the work after it was written when that work was queued, usually long before, and comes with
/// the work being taken; a taker then fetches one cache line the reactor thread wrote (the work), where a
/// queue of slots added the slot's line. Taken nodes are never reused (the garbage collector frees them), so a
/// taker's compare-and-swap cannot be fooled by a node coming back (no ABA); a node that stops being the head
/// links to itself, so it keeps no later work alive and a taker that reads that link starts again.
/// </summary>
internal sealed class WaitingQueue
{
    // The last node taken (first a sentinel): the next waiting work is its NextWaiting. Takers move it; the
    // producer never touches it, and the tail is the producer's alone, each on a cache line of its own. The
    // core's padded reference holds a ThreadCall, which QueuedWork is; only QueuedWork is ever stored, so
    // reading one back needs no type check (Head, Tail).
    private PaddedCall _head;
    private PaddedCall _tail;

    public WaitingQueue()
    {
        var sentinel = new Sentinel();
        _head.Value = sentinel;
        _tail.Value = sentinel;
    }

    /// <summary>Queues <paramref name="work"/> last. Reactor thread only.</summary>
    public void Enqueue(QueuedWork work)
    {
        // Published by the release write: a taker that reads the link sees the work whole.
        Volatile.Write(ref Unsafe.As<QueuedWork>(_tail.Value!).NextWaiting, work);
        _tail.Value = work;
    }

    /// <summary>Takes the oldest queued work out of the list (whatever its state), or null. Any thread.</summary>
    public QueuedWork? TryDequeue()
    {
        while (true)
        {
            var head = Head;
            var next = Volatile.Read(ref head.NextWaiting);
            if (next is null)
            {
                return null;
            }
            if (ReferenceEquals(next, head))
            {
                // Another taker moved the head past this node and unlinked it: start again from the new head.
                continue;
            }
            if (ReferenceEquals(Interlocked.CompareExchange(ref _head.Value, next, head), head))
            {
                // The old head leaves the queue pointing at itself, not at the next work. Otherwise a node the
                // collector has promoted keeps, dead as it is, every node queued after it alive through the
                // chain of links: each young collection would promote all the work (its Deferred, its
                // closure) queued since, and older collections would come often and take long.
                Volatile.Write(ref head.NextWaiting, head);
                return next;
            }
        }
    }

    /// <summary>Work still waiting (not taken, withdrawn or refused): walks the list, so O(queued). Any thread.</summary>
    public int CountWaiting()
    {
        var count = 0;
        var node = Head;
        while (Volatile.Read(ref node.NextWaiting) is { } next)
        {
            if (ReferenceEquals(next, node))
            {
                // Taken (and unlinked) while counting: count again from the head.
                count = 0;
                node = Head;
                continue;
            }
            if (next.IsWaiting)
            {
                count++;
            }
            node = next;
        }
        return count;
    }

    /// <summary>The last node taken (first the sentinel). Any thread.</summary>
    private QueuedWork Head => Unsafe.As<QueuedWork>(Volatile.Read(ref _head.Value)!);

    /// <summary>The list's first node, before any work: never run, never counted.</summary>
    private sealed class Sentinel : QueuedWork
    {
        public override void Start(System.Data.Common.DbConnection? connection) => throw new InvalidOperationException("The sentinel never runs.");

        public override bool TakeOver(System.Data.Common.DbConnection connection, WorkThread here) => throw new InvalidOperationException("The sentinel never runs.");

        public override QueuedWork? RunHere() => throw new InvalidOperationException("The sentinel never runs.");

        public override bool RunsOnThread(WorkThread here) => throw new InvalidOperationException("The sentinel never runs.");

        public override void Fail(Exception error) => throw new InvalidOperationException("The sentinel never runs.");

        internal override void RunCall() => throw new InvalidOperationException("The sentinel never runs.");
    }
}
