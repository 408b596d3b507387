using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Work given to a <see cref="ConnectionPool"/>: waits in its queue for a connection, then runs and reports
/// back on the reactor thread. One object per piece of work carries it from start to end, so the pool's
/// cost per query is a handful of allocations rather than a closure for every step.
/// </summary>
internal abstract class QueuedWork
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Dropped = 2;

    // Waiting, then Taken (by the reactor thread or a worker, to run) or Dropped (withdrawn by its caller or
    // refused at close) exactly once: the pool's queue is lock-free, so whoever changes it first decides.
    private int _state;

    /// <summary>Takes the work from the queue to run it; false when it was withdrawn or refused first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Drops the work from the queue (withdrawn or refused); false when it was taken to run first.</summary>
    public bool TryDrop() => Interlocked.CompareExchange(ref _state, Dropped, Waiting) == Waiting;

    /// <summary>True while the work waits: neither taken nor dropped.</summary>
    public bool IsWaiting => Volatile.Read(ref _state) == Waiting;

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
