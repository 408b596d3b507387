using System.Data.Common;
using System.Globalization;

namespace Torsion.Bench.Db;

/// <summary>Direct ADO.NET at its best: one open connection, one prepared command reused, values rebound.</summary>
internal sealed class DirectRow : OpenCommandRow
{
    private readonly Workload _workload;
    private int _next;

    public DirectRow(string label, DbProviderFactory factory, string connectionString, Workload workload)
        : base(label, factory, connectionString, workload == Workload.Insert ? Rows.InsertSql : Rows.SelectSql)
    {
        _workload = workload;
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

    private void One(int i)
    {
        if (_workload == Workload.Select)
        {
            Parameter.Value = i % 1000;
            Command.ExecuteScalar();
            return;
        }
        using var tx = Connection.BeginTransaction();
        Command.Transaction = tx;
        if (_workload == Workload.Insert)
        {
            Parameter.Value = "line " + i.ToString(CultureInfo.InvariantCulture);
            Command.ExecuteNonQuery();
        }
        else
        {
            // As RunQuery does and as a caller who wants the rows must: a reader, each row read into an array.
            Parameter.Value = i % 1000;
            using var reader = Command.ExecuteReader();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row!);
            }
        }
        tx.Commit();
        Command.Transaction = null;
    }
}
