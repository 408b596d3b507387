using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunInteractionAsync{T}"/>: the caller's interaction with an <see cref="AsyncTransaction"/>.</summary>
internal sealed class AsyncInteractionWork<T> : AsyncTransactionWork<T>
{
    private readonly Func<AsyncTransaction, Task<T>> _interaction;

    public AsyncInteractionWork(ConnectionPool pool, Func<AsyncTransaction, Task<T>> interaction) : base(pool)
    {
        _interaction = interaction;
    }

    protected override ValueTask<T> InteractAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        new(_interaction(new AsyncTransaction(connection, transaction, cancellationToken)));
}
