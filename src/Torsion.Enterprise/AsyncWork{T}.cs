using System.Data.Common;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>
/// Asynchronous work (<see cref="ConnectionPool.RunInteractionAsync{T}"/> and friends): started on a .NET
/// thread-pool thread, holding no thread while the provider awaits, finished on the reactor thread. What it runs
/// is a method of the work itself (<see cref="ExecuteAsync"/>), as for blocking work: no closures the reactor
/// thread makes and the thread running the work must fetch.
/// </summary>
internal abstract class AsyncWork<T> : PoolWork<T>
{
    protected AsyncWork(ConnectionPool pool) : base(pool)
    {
    }

    /// <summary>The work itself, with an open connection; <paramref name="attempt"/> tells the pool whether a retry is safe.</summary>
    internal abstract ValueTask<T> ExecuteAsync(DbConnection connection, Attempt attempt, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override WorkThread RunsOn => WorkThread.ThreadPool;

    // Task.Run only to leave the reactor thread: a provider whose async methods block must not block the loop.
    /// <inheritdoc />
    protected override void Begin() => _ = Task.Run(() => RunChain(this));

    /// <summary>
    /// On a thread-pool thread: starts the work. When the provider finishes it before returning (SQLite's
    /// asynchronous methods run synchronously), the work handed the connection next is returned for this
    /// thread's loop; when the work goes asynchronous, null, and the thread it resumes on finishes it and runs
    /// what follows.
    /// </summary>
    public override QueuedWork? RunHere()
    {
        ValueTask<WorkResult<T>> started;
        try
        {
            started = Pool.RunNonBlocking(Connection, this);
        }
        catch (Exception e)
        {
            // RunNonBlocking reports the work's failures in its result; as in BlockingWork, a last resort.
            return Finished(new WorkResult<T>(default!, e, Connection), Here);
        }
        if (started.IsCompletedSuccessfully)
        {
            return Finished(started.Result, Here);
        }
        var pending = started.AsTask();
        if (pending.IsCompleted)
        {
            return Finished(Outcome(pending), Here);
        }
        _ = pending.ContinueWith(
            static (task, state) =>
            {
                var work = (AsyncWork<T>)state!;
                RunChain(work.Finished(work.Outcome(task), work.Here));
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return null;
    }

    /// <summary>
    /// Where the next asynchronous work may run inline: a thread-pool thread, unless it is the loop's. Work
    /// resumes wherever the provider (or an interaction awaiting a Deferred) completes it, and the next work
    /// must not start on the reactor thread or on some provider's own thread.
    /// </summary>
    private WorkThread Here =>
        Thread.CurrentThread.IsThreadPoolThread && !((Pool.Reactor as ReactorBase)?.IsInLoopThread ?? false)
            ? WorkThread.ThreadPool
            : WorkThread.Other;

    private WorkResult<T> Outcome(Task<WorkResult<T>> task) =>
        task.IsCompletedSuccessfully ? task.Result : new WorkResult<T>(default!, task.Exception?.InnerException ?? new TaskCanceledException(task), Connection);
}
