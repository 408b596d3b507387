using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Torsion.Enterprise.Tests;

/// <summary>A command that keeps every asynchronous method of <see cref="DbCommand"/> as ADO.NET defines it (they run the synchronous ones).</summary>
[SuppressMessage("Security", "CA2100", Justification = "Never executed: only its type is looked at.")]
internal sealed class SynchronousOnlyCommand : DbCommand
{
    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout { get; set; }

    public override CommandType CommandType { get; set; }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get; set; }

    protected override DbParameterCollection DbParameterCollection => throw new NotSupportedException();

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override int ExecuteNonQuery() => throw new NotSupportedException();

    public override object? ExecuteScalar() => throw new NotSupportedException();

    public override void Prepare()
    {
    }

    protected override DbParameter CreateDbParameter() => throw new NotSupportedException();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => throw new NotSupportedException();
}
