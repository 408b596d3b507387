namespace Torsion.Enterprise.Tests;

/// <summary>The pool tests on SQLite, the embedded default.</summary>
public sealed class SqliteConnectionPoolTests : ConnectionPoolTests
{
    public SqliteConnectionPoolTests()
        : base(new SqliteProvider())
    {
    }
}
