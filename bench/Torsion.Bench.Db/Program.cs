// Torsion.Bench.Db [queries]: queries per second through ConnectionPool against direct ADO.NET on the same
// connection string. One client at a time (each query waits for the last), so the difference is the
// pool's cost per query: a hop to a worker thread and back to the reactor (blocking), or the
// provider's async path plus the hop back (async). SQLite always; PostgreSQL when TORSION_TEST_POSTGRES
// is set (tests/Torsion.Enterprise.Tests/postgres.sh start DIR prints it).
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Torsion.Defer;
using Torsion.Enterprise;
using Torsion.Internet;

var queries = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20000;
var sqlitePath = Path.Combine(Path.GetTempPath(), $"torsion-bench-{Environment.ProcessId}.db");
var targets = new List<(string Name, DbProviderFactory Factory, string ConnectionString)>
{
    ("sqlite", SqliteFactory.Instance, $"Data Source={sqlitePath}"),
};
if (Environment.GetEnvironmentVariable("TORSION_TEST_POSTGRES") is { Length: > 0 } pg)
{
    targets.Add(("postgres", NpgsqlFactory.Instance, pg));
}
else
{
    Console.WriteLine("postgres: skipped (TORSION_TEST_POSTGRES not set)");
}

try
{
    foreach (var (name, factory, connectionString) in targets)
    {
        var direct = Direct(factory, connectionString, queries);
        var bare = Pooled(factory, connectionString, queries, Mode.Bare);
        var pooled = Pooled(factory, connectionString, queries, Mode.Query);
        var pooledAsync = Pooled(factory, connectionString, queries, Mode.QueryAsync);
        Console.WriteLine($"{name}: direct {direct:F0} q/s");
        Console.WriteLine($"{name}: pool RunWithConnection (no transaction) {bare:F0} q/s ({Overhead(direct, bare)})");
        Console.WriteLine($"{name}: pool RunQuery (in a transaction, as adbapi) {pooled:F0} q/s ({Overhead(direct, pooled)})");
        Console.WriteLine($"{name}: pool RunQueryAsync (in a transaction) {pooledAsync:F0} q/s ({Overhead(direct, pooledAsync)})");
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    File.Delete(sqlitePath);
}

static string Overhead(double direct, double pooled) =>
    $"overhead per query {(direct / pooled - 1) * 100:F0}% of direct, {(1 / pooled - 1 / direct) * 1e6:F1} us";

// Direct ADO.NET: one open connection, one parameterized query after another.
static double Direct(DbProviderFactory factory, string connectionString, int queries)
{
    using var connection = factory.CreateConnection()!;
    connection.ConnectionString = connectionString;
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = "SELECT @p0";
    var p = command.CreateParameter();
    p.ParameterName = "p0";
    command.Parameters.Add(p);
    for (var i = 0; i < 1000; i++)
    {
        p.Value = i;
        command.ExecuteScalar();
    }
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < queries; i++)
    {
        p.Value = i;
        command.ExecuteScalar();
    }
    return queries / clock.Elapsed.TotalSeconds;
}

// The same queries through a one-connection pool on a running reactor, each awaited before the next.
static double Pooled(DbProviderFactory factory, string connectionString, int queries, Mode mode)
{
    var reactor = Reactors.Create();
    var rate = 0.0;
    reactor.CallWhenRunning(() => Run().AddBoth(outcome =>
    {
        if (outcome.Failure is { } f)
        {
            Console.Error.WriteLine(f.Value);
        }
        reactor.Stop();
        return Unit.Value;
    }));
    reactor.Run();
    return rate;

    async Deferred Run()
    {
        var pool = new ConnectionPool(factory, connectionString, min: 1, max: 1, reactor: reactor);
        for (var i = 0; i < 1000; i++)
        {
            await Query(pool, i);
        }
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < queries; i++)
        {
            await Query(pool, i);
        }
        rate = queries / clock.Elapsed.TotalSeconds;
        await pool.Close();
    }

    Deferred<object?> Query(ConnectionPool pool, int i) => mode switch
    {
        Mode.Bare => pool.RunWithConnection(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT @p0";
            var p = command.CreateParameter();
            p.ParameterName = "p0";
            p.Value = i;
            command.Parameters.Add(p);
            return command.ExecuteScalar();
        }),
        Mode.Query => pool.RunQuery("SELECT @p0", i).AddCallback(rows => rows[0][0]),
        _ => pool.RunQueryAsync("SELECT @p0", i).AddCallback(rows => rows[0][0]),
    };
}

internal enum Mode
{
    Bare,
    Query,
    QueryAsync,
}
