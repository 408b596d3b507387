using System.Data.Common;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>Blocking work (<see cref="ConnectionPool.RunInteraction{T}"/> and friends): runs on a pool worker, finishes on the reactor thread.</summary>
internal sealed class BlockingWork<T> : PoolWork<T>
{
    private readonly Func<DbConnection, Attempt, T> _work;
    // Made once: the worker's entry.
    private readonly Action _run;

    public BlockingWork(ConnectionPool pool, Func<DbConnection, Attempt, T> work) : base(pool)
    {
        _work = work;
        _run = Run;
    }

    /// <inheritdoc />
    protected override void Begin()
    {
        try
        {
            Pool.Workers.Post(_run);
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
            result = Pool.RunBlocking(Connection, _work);
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
