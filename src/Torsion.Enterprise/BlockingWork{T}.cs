using System.Data.Common;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>Blocking work (<see cref="ConnectionPool.RunInteraction{T}"/> and friends): runs on a pool worker, finishes on the reactor thread.</summary>
internal sealed class BlockingWork<T> : QueuedWork
{
    private readonly ConnectionPool _pool;
    private readonly Func<DbConnection, Attempt, T> _work;
    // Made once: the worker's entry and the reactor's completion.
    private readonly Action _run;
    private readonly Action _complete;
    private DbConnection? _connection;
    private WorkResult<T> _result;

    public BlockingWork(ConnectionPool pool, Func<DbConnection, Attempt, T> work)
    {
        _pool = pool;
        _work = work;
        _run = Run;
        _complete = Complete;
        Deferred = new Deferred<T>(Withdraw);
    }

    /// <summary>What the caller gets.</summary>
    public Deferred<T> Deferred { get; }

    /// <inheritdoc />
    public override void Fail(Exception error) => Deferred.Errback(error);

    /// <inheritdoc />
    protected override void OnStart(DbConnection? connection)
    {
        _connection = connection;
        try
        {
            _pool.Workers.Post(_run);
        }
        catch (WorkerThreadStartException e)
        {
            // No thread could be started: the work never ran and the connection is untouched.
            _pool.Finish(connection, Deferred, default!, e);
        }
    }

    private void Withdraw(Deferred<T> _) => _pool.Withdraw(this);

    /// <summary>On the worker: the work, then the hop back (the reactor's CallFromThread is the fence that publishes <see cref="_result"/>).</summary>
    private void Run()
    {
        try
        {
            _result = _pool.RunBlocking(_connection, _work);
        }
        catch (Exception e)
        {
            // RunBlocking reports the work's own failures in its result; this would be a pool bug, and the
            // caller must still hear of it.
            _result = new WorkResult<T>(default!, e, _connection);
        }
        _pool.Reactor.CallFromThread(_complete);
    }

    private void Complete() => _pool.Finish(_result.Connection, Deferred, _result.Value, _result.Error);
}
