using System.Data.Common;
using Torsion.Defer;

namespace Torsion.Enterprise;

/// <summary>
/// Asynchronous work (<see cref="ConnectionPool.RunInteractionAsync{T}"/>): started on a .NET thread-pool thread,
/// holding no thread while the provider awaits, finished on the reactor thread.
/// </summary>
internal sealed class AsyncWork<T> : QueuedWork
{
    private readonly ConnectionPool _pool;
    private readonly Func<DbConnection, Attempt, CancellationToken, Task<T>> _work;
    private readonly Action _complete;
    private DbConnection? _connection;
    private WorkResult<T> _result;

    public AsyncWork(ConnectionPool pool, Func<DbConnection, Attempt, CancellationToken, Task<T>> work)
    {
        _pool = pool;
        _work = work;
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
        // Task.Run only to leave the reactor thread: a provider whose async methods block must not block the loop.
        _ = Task.Run(RunAsync);
    }

    private void Withdraw(Deferred<T> _) => _pool.Withdraw(this);

    private async Task RunAsync()
    {
        try
        {
            _result = await _pool.RunNonBlocking(_connection, _work).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // RunNonBlocking reports the work's failures in its result; as in BlockingWork, a last resort.
            _result = new WorkResult<T>(default!, e, _connection);
        }
        _pool.Reactor.CallFromThread(_complete);
    }

    private void Complete() => _pool.Finish(_result.Connection, Deferred, _result.Value, _result.Error);
}
