using System.Data.Common;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>
/// Work given to a <see cref="ConnectionPool"/>: waits in its queue for a connection, then runs and reports
/// back on the reactor thread. One object per piece of work carries it from start to end, so the pool's
/// cost per query is a handful of allocations rather than a closure for every step.
/// </summary>
internal abstract class QueuedWork : ThreadCall
{
    // Set by the reactor thread alone (withdrawn by its caller, or refused at close), read by whoever takes the
    // work out of the queue. Taking needs no mark of its own: the queue's compare-and-swap already gives each
    // node to one taker. A plain flag, not a state every taker swaps: a worker's locked write to a line the
    // reactor thread wrote (the work's) stalls it for a cache-line transfer, on every statement.
    private volatile bool _dropped;

    /// <summary>
    /// From the thread that took the work out of the queue: true to run it, false when it was dropped.
    /// A drop that races the take may be missed: the work then runs as if the drop came a moment later, and
    /// its result is ignored (the caller's Deferred was cancelled, which is the only drop that can race).
    /// </summary>
    public bool TryTake() => !_dropped;

    /// <summary>Drops the work (withdrawn or refused): a taker skips it. Reactor thread only.</summary>
    public void Drop() => _dropped = true;

    /// <summary>True unless the work was dropped (while it is in the queue: it waits).</summary>
    public bool IsWaiting => !_dropped;

    /// <summary>The work queued after this one (<see cref="WaitingQueue"/>'s link), set once by the reactor thread.</summary>
    internal QueuedWork? NextWaiting;

    /// <summary>
    /// Starts the work from the reactor thread with a connection (one of the idle ones), or null when it must
    /// open one.
    /// </summary>
    public abstract void Start(DbConnection? connection);

    /// <summary>
    /// Starts the work on <paramref name="connection"/>, handed over by the work that just released it, from
    /// that work's thread (<see cref="ConnectionPool.TakeNext"/>). The reactor still awaits one result, so the
    /// work inherits the finished work's mark on the loop instead of making its own. When the work can run on
    /// the calling thread (<paramref name="here"/>: blocking work on a pool worker, asynchronous work on a
    /// thread-pool thread), it is not started but returns true: the caller runs it next (<see cref="RunHere"/>)
    /// instead of queueing it, which costs a queue and, on the thread pool, often another thread's wake-up.
    /// </summary>
    public abstract bool TakeOver(DbConnection connection, WorkThread here);

    /// <summary>Whether <see cref="TakeOver"/> from a thread of kind <paramref name="here"/> would leave the work to run there.</summary>
    public abstract bool RunsOnThread(WorkThread here);

    /// <summary>
    /// Runs work that <see cref="TakeOver"/> left to the calling thread, and returns the work it handed its
    /// connection to when that is to run here as well (so a busy connection's work runs in a loop, not by
    /// recursion), or null.
    /// </summary>
    public abstract QueuedWork? RunHere();

    /// <summary>Runs <paramref name="work"/> and then each piece of work it hands its connection to that runs here too.</summary>
    public static void RunChain(QueuedWork? work)
    {
        while (work is not null)
        {
            work = work.RunHere();
        }
    }

    /// <summary>Fails the work's Deferred without running it.</summary>
    public abstract void Fail(Exception error);
}
