using System.Data.Common;
using System.Globalization;

namespace Torsion.Bench.Db;

/// <summary>
/// Direct ADO.NET on the provider's async API (what the pool's …Async methods use), from a thread-pool
/// thread, always in a transaction (begin, the statement, commit).
/// </summary>
internal sealed class DirectAsyncRow : OpenCommandRow
{
    private readonly bool _insert;
    private int _next;

    public DirectAsyncRow(string label, DbProviderFactory factory, string connectionString, bool insert)
        : base(label, factory, connectionString, insert ? Rows.InsertSql : Rows.SelectSql)
    {
        _insert = insert;
    }

    public override Cost Run(int queries) => Task.Run(async () =>
    {
        var meter = CostMeter.Start();
        for (var i = 0; i < queries; i++)
        {
            await One(_next++);
        }
        return meter.Stop(queries);
    }).GetAwaiter().GetResult();

    private async Task One(int i)
    {
        var tx = await Connection.BeginTransactionAsync();
        await using (tx)
        {
            Command.Transaction = tx;
            if (_insert)
            {
                Parameter.Value = "line " + i.ToString(CultureInfo.InvariantCulture);
                await Command.ExecuteNonQueryAsync();
            }
            else
            {
                Parameter.Value = i % 1000;
                var reader = await Command.ExecuteReaderAsync();
                await using (reader)
                {
                    while (await reader.ReadAsync())
                    {
                        var row = new object?[reader.FieldCount];
                        reader.GetValues(row!);
                    }
                }
            }
            await tx.CommitAsync();
            Command.Transaction = null;
        }
    }
}
