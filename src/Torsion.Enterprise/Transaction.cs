using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// The argument of <see cref="ConnectionPool.RunInteraction{T}"/> (adbapi's <c>Transaction</c>): one pooled
/// connection inside one database transaction, with a cursor-like API. <see cref="Execute"/> runs a statement
/// and keeps the rows it returned for <see cref="FetchOne"/> and <see cref="FetchAll"/>. It runs on a worker
/// thread and is valid only inside the interaction; the pool commits or rolls back, so do not.
/// </summary>
public sealed class Transaction
{
    private readonly RowCursor _cursor = new();

    internal Transaction(DbConnection connection, DbTransaction transaction)
    {
        Connection = connection;
        DbTransaction = transaction;
    }

    /// <summary>The pooled connection, for what the cursor API does not cover.</summary>
    public DbConnection Connection { get; }

    /// <summary>The transaction every command here runs in; give it to commands you make yourself.</summary>
    public DbTransaction DbTransaction { get; }

    /// <summary>The number of rows the last <see cref="Execute"/> changed (-1 for a query).</summary>
    public int RowCount { get; private set; } = -1;

    /// <summary>
    /// Runs <paramref name="sql"/> with positional <paramref name="parameters"/> (<c>@p0</c>, <c>@p1</c>, … in
    /// the SQL; a <see cref="DbParameter"/> is bound as given) and returns the number of rows changed.
    /// </summary>
    public int Execute(string sql, params object?[] parameters)
    {
        var (rows, affected) = CommandCache.Run(Connection, DbTransaction, sql, parameters);
        _cursor.Load(rows);
        RowCount = affected;
        return affected;
    }

    /// <summary>Runs <paramref name="sql"/> and returns all its rows (database NULL as null).</summary>
    public IReadOnlyList<object?[]> Query(string sql, params object?[] parameters)
    {
        Execute(sql, parameters);
        return FetchAll();
    }

    /// <summary>The next row of the last <see cref="Execute"/>, or null when there is none left.</summary>
    public object?[]? FetchOne() => _cursor.FetchOne();

    /// <summary>The rows of the last <see cref="Execute"/> not fetched yet.</summary>
    public IReadOnlyList<object?[]> FetchAll() => _cursor.FetchAll();
}
