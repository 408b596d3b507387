using System.Data.Common;

namespace Torsion.Bench.Db;

/// <summary>What the direct rows share: one open connection and one command with one parameter, kept for the run.</summary>
internal abstract class OpenCommandRow : Row
{
    protected OpenCommandRow(string label, DbProviderFactory factory, string connectionString, string sql) : base(label, null)
    {
        Connection = Rows.Open(factory, connectionString);
        Command = Connection.CreateCommand();
        Command.CommandText = sql;
        Parameter = Command.CreateParameter();
        Parameter.ParameterName = "p0";
        Command.Parameters.Add(Parameter);
    }

    protected DbConnection Connection { get; }

    protected DbCommand Command { get; }

    protected DbParameter Parameter { get; }

    public override void Dispose()
    {
        Command.Dispose();
        Connection.Dispose();
    }
}
