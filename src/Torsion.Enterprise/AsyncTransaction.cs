using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// The argument of <see cref="ConnectionPool.RunInteractionAsync{T}"/>: a <see cref="Transaction"/> whose
/// statements run on the provider's asynchronous API (<see cref="DbCommand.ExecuteReaderAsync()"/>), so
/// with a truly asynchronous provider (Npgsql) no thread waits for the server. Valid only inside the
/// interaction; the pool commits or rolls back.
/// </summary>
public sealed class AsyncTransaction
{
    private readonly RowCursor _cursor = new();

    internal AsyncTransaction(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        Connection = connection;
        DbTransaction = transaction;
        CancellationToken = cancellationToken;
    }

    /// <summary>The pooled connection.</summary>
    public DbConnection Connection { get; }

    /// <summary>The transaction every command here runs in.</summary>
    public DbTransaction DbTransaction { get; }

    /// <summary>Cancelled when the pool closes while the interaction still runs: pass it to your own calls.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The number of rows the last <see cref="ExecuteAsync"/> changed (-1 for a query).</summary>
    public int RowCount { get; private set; } = -1;

    /// <summary>
    /// Runs <paramref name="sql"/> with positional <paramref name="parameters"/> (<c>@p0</c>, <c>@p1</c>, …)
    /// and returns the number of rows changed; the rows it returned wait for <see cref="FetchAll"/>.
    /// </summary>
    public Task<int> ExecuteAsync(string sql, params object?[] parameters) => ExecuteCoreAsync(sql, parameters).AsTask();

    // A ValueTask inside: QueryAsync awaits it without a second task.
    private async ValueTask<int> ExecuteCoreAsync(string sql, object?[] parameters)
    {
        var (rows, affected) = await CommandCache.RunAsync(Connection, DbTransaction, sql, parameters, CancellationToken).ConfigureAwait(false);
        _cursor.Load(rows);
        RowCount = affected;
        return affected;
    }

    /// <summary>Runs <paramref name="sql"/> and returns all its rows (database NULL as null).</summary>
    public Task<IReadOnlyList<object?[]>> QueryAsync(string sql, params object?[] parameters) => QueryCoreAsync(sql, parameters).AsTask();

    private async ValueTask<IReadOnlyList<object?[]>> QueryCoreAsync(string sql, object?[] parameters)
    {
        await ExecuteCoreAsync(sql, parameters).ConfigureAwait(false);
        return FetchAll();
    }

    /// <summary>The next row of the last <see cref="ExecuteAsync"/>, or null when there is none left.</summary>
    public object?[]? FetchOne() => _cursor.FetchOne();

    /// <summary>The rows of the last <see cref="ExecuteAsync"/> not fetched yet.</summary>
    public IReadOnlyList<object?[]> FetchAll() => _cursor.FetchAll();
}
