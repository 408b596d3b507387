using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Asynchronous work (<see cref="ConnectionPool.RunInteractionAsync{T}"/>): started on a .NET thread-pool thread,
/// holding no thread while the provider awaits, finished on the reactor thread.
/// </summary>
internal sealed class AsyncWork<T> : PoolWork<T>
{
    private readonly Func<DbConnection, Attempt, CancellationToken, Task<T>> _work;

    public AsyncWork(ConnectionPool pool, Func<DbConnection, Attempt, CancellationToken, Task<T>> work) : base(pool)
    {
        _work = work;
    }

    // Task.Run only to leave the reactor thread: a provider whose async methods block must not block the loop.
    /// <inheritdoc />
    protected override void Begin() => _ = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        WorkResult<T> result;
        try
        {
            result = await Pool.RunNonBlocking(Connection, _work).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // RunNonBlocking reports the work's failures in its result; as in BlockingWork, a last resort.
            result = new WorkResult<T>(default!, e, Connection);
        }
        Finished(result);
    }
}
