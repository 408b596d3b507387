using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Asynchronous work in a database transaction (<see cref="ConnectionPool.RunInteractionAsync{T}"/>, and
/// <see cref="ConnectionPool.RunQueryAsync"/> and <see cref="ConnectionPool.RunOperationAsync"/> on it): committed
/// when <see cref="InteractAsync"/> completes, rolled back when it fails. The asynchronous twin of
/// <see cref="TransactionWork{T}"/>.
/// </summary>
internal abstract class AsyncTransactionWork<T> : AsyncWork<T>
{
    protected AsyncTransactionWork(ConnectionPool pool) : base(pool)
    {
    }

    /// <summary>What runs inside the transaction.</summary>
    protected abstract ValueTask<T> InteractAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    internal sealed override async ValueTask<T> ExecuteAsync(DbConnection connection, Attempt attempt, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            T result;
            try
            {
                result = await InteractAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await ConnectionPool.TryRollbackAsync(transaction).ConfigureAwait(false);
                throw;
            }
            // From here the work may be durable: a connection that breaks now must not make it run twice.
            attempt.MayRetry = false;
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }
}
