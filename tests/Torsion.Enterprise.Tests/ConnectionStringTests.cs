using Microsoft.Data.Sqlite;
using Npgsql;
using Torsion.Internet;

namespace Torsion.Enterprise.Tests;

/// <summary>Malformed connection strings are refused at construction, naming what is wrong; no server needed.</summary>
public sealed class ConnectionStringTests
{
    [Fact]
    public void AnUnknownSqliteKeywordIsNamed()
    {
        var reactor = Reactors.Create();
        var e = Assert.Throws<ArgumentException>(() =>
            new ConnectionPool(SqliteFactory.Instance, "Data Source=x.db;Colour=blue", reactor: reactor));
        Assert.Equal("connectionString", e.ParamName);
        Assert.Contains("malformed", e.Message);
        Assert.Contains("colour", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ABadPostgresValueIsNamed()
    {
        var reactor = Reactors.Create();
        var e = Assert.Throws<ArgumentException>(() =>
            new ConnectionPool(NpgsqlFactory.Instance, "Host=127.0.0.1;Port=not-a-port", reactor: reactor));
        Assert.Equal("connectionString", e.ParamName);
        Assert.Contains("malformed", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void BoundsAreChecked()
    {
        var reactor = Reactors.Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionPool(SqliteFactory.Instance, "Data Source=x.db", min: 3, max: 2, reactor: reactor));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionPool(SqliteFactory.Instance, "Data Source=x.db", min: 0, max: 0, reactor: reactor));
    }
}
