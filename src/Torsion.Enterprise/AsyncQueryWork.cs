using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunQueryAsync"/>: one statement in a transaction, its rows the result.</summary>
internal sealed class AsyncQueryWork : AsyncTransactionWork<IReadOnlyList<object?[]>>
{
    private readonly string _sql;
    private readonly object?[] _parameters;

    public AsyncQueryWork(ConnectionPool pool, string sql, object?[] parameters) : base(pool)
    {
        _sql = sql;
        _parameters = parameters;
    }

    // As QueryWork: the statement straight on the connection, with no AsyncTransaction made for it.
    protected override async ValueTask<IReadOnlyList<object?[]>> InteractAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        (await CommandCache.RunAsync(connection, transaction, _sql, _parameters, cancellationToken).ConfigureAwait(false)).Rows;
}
