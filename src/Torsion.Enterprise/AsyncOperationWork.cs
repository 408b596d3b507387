using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunOperationAsync"/>: one statement in a transaction, the rows it changed the result.</summary>
internal sealed class AsyncOperationWork : AsyncTransactionWork<int>
{
    private readonly string _sql;
    private readonly object?[] _parameters;

    public AsyncOperationWork(ConnectionPool pool, string sql, object?[] parameters) : base(pool)
    {
        _sql = sql;
        _parameters = parameters;
    }

    // As AsyncQueryWork.
    protected override async ValueTask<int> InteractAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        (await CommandCache.RunAsync(connection, transaction, _sql, _parameters, cancellationToken).ConfigureAwait(false)).Affected;
}
