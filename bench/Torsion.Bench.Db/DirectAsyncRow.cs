using System.Data.Common;
using System.Globalization;

namespace Torsion.Bench.Db;

/// <summary>
/// Direct ADO.NET on the provider's async API (what the pool's …Async methods use), from a thread-pool
/// thread, always in a transaction (begin, the statement, commit).
/// </summary>
internal sealed class DirectAsyncRow : Row
{
    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbParameter _p;
    private readonly bool _insert;
    private int _next;

    public DirectAsyncRow(string label, DbProviderFactory factory, string connectionString, bool insert) : base(label, null)
    {
        _insert = insert;
        _connection = Rows.Open(factory, connectionString);
        _command = _connection.CreateCommand();
        _command.CommandText = insert ? Rows.InsertSql : Rows.SelectSql;
        _p = _command.CreateParameter();
        _p.ParameterName = "p0";
        _command.Parameters.Add(_p);
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

    public override void Dispose()
    {
        _command.Dispose();
        _connection.Dispose();
    }

    private async Task One(int i)
    {
        var tx = await _connection.BeginTransactionAsync();
        await using (tx)
        {
            _command.Transaction = tx;
            if (_insert)
            {
                _p.Value = "line " + i.ToString(CultureInfo.InvariantCulture);
                await _command.ExecuteNonQueryAsync();
            }
            else
            {
                _p.Value = i % 1000;
                var reader = await _command.ExecuteReaderAsync();
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
            _command.Transaction = null;
        }
    }
}
