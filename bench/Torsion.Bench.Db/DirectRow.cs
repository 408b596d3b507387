using System.Data.Common;
using System.Globalization;

namespace Torsion.Bench.Db;

/// <summary>Direct ADO.NET at its best: one open connection, one prepared command reused, values rebound.</summary>
internal sealed class DirectRow : Row
{
    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbParameter _p;
    private readonly Workload _workload;
    private int _next;

    public DirectRow(string label, DbProviderFactory factory, string connectionString, Workload workload) : base(label, null)
    {
        _workload = workload;
        _connection = Rows.Open(factory, connectionString);
        _command = _connection.CreateCommand();
        _command.CommandText = workload == Workload.Insert ? Rows.InsertSql : Rows.SelectSql;
        _p = _command.CreateParameter();
        _p.ParameterName = "p0";
        _command.Parameters.Add(_p);
    }

    public override Cost Run(int queries)
    {
        var meter = CostMeter.Start();
        for (var i = 0; i < queries; i++)
        {
            One(_next++);
        }
        return meter.Stop(queries);
    }

    public override void Dispose()
    {
        _command.Dispose();
        _connection.Dispose();
    }

    private void One(int i)
    {
        if (_workload == Workload.Select)
        {
            _p.Value = i % 1000;
            _command.ExecuteScalar();
            return;
        }
        using var tx = _connection.BeginTransaction();
        _command.Transaction = tx;
        if (_workload == Workload.Insert)
        {
            _p.Value = "line " + i.ToString(CultureInfo.InvariantCulture);
            _command.ExecuteNonQuery();
        }
        else
        {
            // As RunQuery does and as a caller who wants the rows must: a reader, each row read into an array.
            _p.Value = i % 1000;
            using var reader = _command.ExecuteReader();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row!);
            }
        }
        tx.Commit();
        _command.Transaction = null;
    }
}
