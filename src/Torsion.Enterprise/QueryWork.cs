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

    protected override IReadOnlyList<object?[]> Interact(Transaction transaction) => transaction.Query(_sql, _parameters);
}
