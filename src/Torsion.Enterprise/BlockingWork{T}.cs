using System.Data.Common;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>
/// Blocking work (<see cref="ConnectionPool.RunInteraction{T}"/> and friends): runs on a pool worker, finishes on
/// the reactor thread. What it runs is a method of the work object itself (<see cref="Execute"/>), not a
/// delegate: the worker reads the work the reactor thread just made, on another core, and every object between
/// the two (a delegate, the closure behind it, the next delegate) is one more cache miss in a chain.
/// </summary>
internal abstract class BlockingWork<T> : PoolWork<T>
{
    protected BlockingWork(ConnectionPool pool) : base(pool)
    {
    }

    /// <summary>
    /// The work itself, on a worker with an open connection; it clears <paramref name="mayRetry"/> once running it
    /// again after a broken connection would no longer be safe (a commit started, or work on a bare connection).
    /// </summary>
    internal abstract T Execute(DbConnection connection, ref bool mayRetry);

    /// <inheritdoc />
    protected override void Begin()
    {
        try
        {
            // The delegate is made here, not with the work: work that takes a busy connection over runs on the
            // worker that hands it over and is never posted (the usual case under load).
            Pool.Workers.Post(Run);
        }
        catch (WorkerThreadStartException e)
        {
            // No thread could be started: the work never ran and the connection is untouched. Reported as
            // any end is (this may be a worker's thread, handing its connection on), so the reactor thread
            // delivers it and the connection goes on to the next work or back to the idle ones.
            Finished(new WorkResult<T>(default!, e, Connection), WorkThread.Other);
        }
    }

    /// <inheritdoc />
    protected override WorkThread RunsOn => WorkThread.PoolWorker;

    /// <inheritdoc />
    public override QueuedWork? RunHere()
    {
        WorkResult<T> result;
        try
        {
            result = Pool.RunBlocking(Connection, this);
        }
        catch (Exception e)
        {
            // RunBlocking reports the work's own failures in its result; this would be a pool bug, and the
            // caller must still hear of it.
            result = new WorkResult<T>(default!, e, Connection);
        }
        return Finished(result, WorkThread.PoolWorker);
    }

    /// <summary>
    /// On the worker: the work, then the hop back; then, while the connection goes on to blocking work, that
    /// work too, on this thread, without a trip through the workers' queue.
    /// </summary>
    private void Run() => RunChain(this);
}
