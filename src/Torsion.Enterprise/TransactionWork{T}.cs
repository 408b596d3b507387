using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// Blocking work in a database transaction (adbapi's <c>runInteraction</c>, and <c>runQuery</c> and
/// <c>runOperation</c> built on it): committed when <see cref="Interact"/> returns, rolled back when it throws.
/// </summary>
internal abstract class TransactionWork<T> : BlockingWork<T>
{
    protected TransactionWork(ConnectionPool pool) : base(pool)
    {
    }

    /// <summary>What runs inside the transaction.</summary>
    protected abstract T Interact(DbConnection connection, DbTransaction transaction);

    internal sealed override T Execute(DbConnection connection, ref bool mayRetry)
    {
        using var transaction = connection.BeginTransaction();
        T result;
        try
        {
            result = Interact(connection, transaction);
        }
        catch
        {
            ConnectionPool.TryRollback(transaction);
            throw;
        }
        // From here the work may be durable: a connection that breaks now must not make it run twice.
        mayRetry = false;
        transaction.Commit();
        return result;
    }
}
