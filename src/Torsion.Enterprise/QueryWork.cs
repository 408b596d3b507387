using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunQuery"/>: one statement in a transaction, its rows the result.</summary>
internal sealed class QueryWork : TransactionWork<IReadOnlyList<object?[]>>
{
    private readonly string _sql;
    private readonly object?[] _parameters;

    public QueryWork(ConnectionPool pool, string sql, object?[] parameters) : base(pool)
    {
        _sql = sql;
        _parameters = parameters;
    }

    // The statement straight on the connection: the Transaction a caller's interaction gets (its cursor
    // included) would be made for one statement and thrown away.
    protected override IReadOnlyList<object?[]> Interact(DbConnection connection, DbTransaction transaction) =>
        CommandCache.Run(connection, transaction, _sql, _parameters).Rows;
}
