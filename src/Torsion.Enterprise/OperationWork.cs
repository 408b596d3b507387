using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunOperation"/>: one statement in a transaction, the rows it changed the result.</summary>
internal sealed class OperationWork : TransactionWork<int>
{
    private readonly string _sql;
    private readonly object?[] _parameters;

    public OperationWork(ConnectionPool pool, string sql, object?[] parameters) : base(pool)
    {
        _sql = sql;
        _parameters = parameters;
    }

    // As QueryWork: the statement straight on the connection.
    protected override int Interact(DbConnection connection, DbTransaction transaction) =>
        CommandCache.Run(connection, transaction, _sql, _parameters).Affected;
}
