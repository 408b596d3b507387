using System.Data.Common;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>
/// What blocking and asynchronous work share: the caller's Deferred (cancelling it withdraws queued work),
/// the connection the work was given, and the end: the connection handed to the next waiting work, and the
/// hop back that tells the caller on the reactor thread.
/// </summary>
internal abstract class PoolWork<T> : QueuedWork
{
    private WorkResult<T> _result;
    private bool _handedOver;

    protected PoolWork(ConnectionPool pool)
    {
        Pool = pool;
        Deferred = new Deferred<T>();
        // Through the chain's own seam: the public constructor wraps a canceller in two closures of its own,
        // and with this method's delegate the pool's cost per query is 120 bytes lighter.
        Deferred.Chain.SetCanceller(Withdraw, cancellerDecides: false);
    }

    /// <summary>What the caller gets.</summary>
    public Deferred<T> Deferred { get; }

    /// <summary>The pool the work runs in.</summary>
    protected ConnectionPool Pool { get; }

    /// <summary>The connection given to the work (null for work that opens its own).</summary>
    protected DbConnection? Connection { get; private set; }

    /// <inheritdoc />
    public override void Fail(Exception error) => Deferred.Errback(error);

    /// <summary>The Deferred's canceller: withdraws the work if it still waits.</summary>
    private void Withdraw() => Pool.Withdraw(this);

    /// <inheritdoc />
    public sealed override void Start(DbConnection? connection)
    {
        Connection = connection;
        // The result comes back through CallFromThread, usually within microseconds: the loop may look for it
        // before it sleeps instead of being woken for it.
        (Pool.Reactor as ReactorBase)?.BeginAwaitingThreadCall();
        Begin();
    }

    /// <inheritdoc />
    public sealed override bool RunsOnThread(WorkThread here) => here == RunsOn;

    /// <inheritdoc />
    public sealed override bool TakeOver(DbConnection connection, WorkThread here)
    {
        Connection = connection;
        // RunsOn is never Other, so work is never run inline from the reactor thread or a foreign one.
        if (RunsOnThread(here))
        {
            return true;
        }
        Begin();
        return false;
    }

    /// <summary>The kind of thread the work runs on, where work handing it its connection may run it itself.</summary>
    protected abstract WorkThread RunsOn { get; }

    /// <summary>Starts the work off the reactor thread.</summary>
    protected abstract void Begin();

    /// <summary>
    /// From the thread the work ran on: keeps <paramref name="result"/> and finishes on the reactor thread
    /// (its CallFromThread is the fence that publishes the result). A healthy connection goes straight to the
    /// oldest waiting work, from this thread (<see cref="ConnectionPool.TakeNext"/>); that work is returned
    /// when it is to run on this same thread next (<paramref name="here"/>), and started otherwise.
    /// </summary>
    protected QueuedWork? Finished(WorkResult<T> result, WorkThread here)
    {
        _result = result;
        var next = result.Connection is null ? null : Pool.TakeNext();
        _handedOver = next is not null;
        if (Pool.Reactor is ReactorBase loop)
        {
            // The work itself goes through the loop's queue (no delegate). It may be kept back for a moment while
            // this worker runs the next statement and more work waits behind that (ConnectionPool.HandBack).
            var keepBack = here == WorkThread.PoolWorker && next is not null && next.RunsOnThread(here)
                && Volatile.Read(ref next.NextWaiting) is not null;
            Pool.HandBack(loop, this, keepBack);
        }
        else
        {
            Pool.Reactor.CallFromThread(Complete);
        }
        // After the hand-back, so this result reaches the loop before any result of the work started here.
        return next is not null && next.TakeOver(result.Connection!, here) ? next : null;
    }

    /// <inheritdoc />
    internal sealed override void RunCall() => Complete();

    private void Complete()
    {
        var result = _result;
        // The pool's queue may hold on to this object for a while (as the last work queued or taken): not to
        // the rows it returned.
        _result = default;
        if (_handedOver)
        {
            // The loop's mark for an awaited result passed to the work that took the connection over.
            Pool.FinishHandedOver(Deferred, result.Value, result.Error);
        }
        else
        {
            (Pool.Reactor as ReactorBase)?.EndAwaitingThreadCall();
            Pool.Finish(result.Connection, Deferred, result.Value, result.Error);
        }
    }
}
