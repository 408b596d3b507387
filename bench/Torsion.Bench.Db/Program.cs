// Torsion.Bench.Db [--queries N] [--rounds R] [--in-flight N] [--only select|insert] [--postgres] [--dir DIR]: microseconds per query through ConnectionPool
// against direct ADO.NET on the same connection string and the same statements. Direct rows run one query
// at a time on one connection; pool rows first one at a time too (each waits for the last: the pool's
// latency per query), then with --in-flight callers (default 64) queuing on the same one connection (the
// pool's throughput: its cost per query when the connection is kept busy, as a server's clients keep it).
// --in-flight 1 leaves those rows out. Two workloads:
//   select  SELECT v FROM bench WHERE id = @p0      (one row by primary key, 1000-row table)
//   insert  INSERT INTO bench_log (v) VALUES (@p0)  in a transaction, committed
// SQLite on a file database (WAL, as examples/reverser-db.csx) in DIR (default: the temp directory), always;
// PostgreSQL when --postgres is given or TORSION_TEST_POSTGRES is set (its value is the connection string;
// tests/Torsion.Enterprise.Tests/postgres.sh start DIR prints one).
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Torsion.Defer;
using Torsion.Enterprise;
using Torsion.Internet;

var queries = 20000;
var rounds = 5;
var postgres = false;
var dir = Path.GetTempPath();
var inFlight = 64;
string? only = null; // "select" or "insert": one workload
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--queries": queries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = true; break;
        case "--dir": dir = args[++i]; break;
        case "--only": only = args[++i]; break;
        case "--in-flight": inFlight = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: queries = int.Parse(args[i], CultureInfo.InvariantCulture); break; // the old positional form
    }
}

var sqlitePath = Path.Combine(dir, $"torsion-bench-{Environment.ProcessId}.db");
var targets = new List<(string Name, DbProviderFactory Factory, string ConnectionString)>
{
    ("sqlite", SqliteFactory.Instance, $"Data Source={sqlitePath}"),
};
var pg = Environment.GetEnvironmentVariable("TORSION_TEST_POSTGRES");
if (!string.IsNullOrEmpty(pg))
{
    targets.Add(("postgres", NpgsqlFactory.Instance, pg));
}
else if (postgres)
{
    Console.Error.WriteLine("--postgres needs TORSION_TEST_POSTGRES (tests/Torsion.Enterprise.Tests/postgres.sh start DIR prints it)");
    return 2;
}
else
{
    Console.WriteLine("postgres: skipped (no --postgres / TORSION_TEST_POSTGRES)");
}

Console.WriteLine($"{queries} queries a run, {rounds} rounds alternating the rows; medians of wall-clock us, process CPU us and bytes allocated per query");
try
{
    foreach (var (name, factory, connectionString) in targets)
    {
        Setup(factory, connectionString, name == "sqlite");
        foreach (var workload in new[] { Workload.Select, Workload.Insert })
        {
            if (only is not null && !string.Equals(only, workload.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            // Each row: a label, how to run it once, and the row (by index) it is compared with (-1: none).
            var rows = new List<(string Label, Func<Cost> Run, int Baseline)>();
            if (workload == Workload.Select)
            {
                rows.Add(("direct, autocommit", () => Direct(factory, connectionString, queries, Workload.Select), -1));
                rows.Add(("direct in a transaction (begin, select rows, commit)", () => Direct(factory, connectionString, queries, Workload.SelectInTransaction), -1));
                rows.Add(("direct async in a transaction", () => DirectAsync(factory, connectionString, queries, Workload.SelectInTransaction), -1));
                rows.Add(("pool RunWithConnection, no statement: the pool's own cost", () => Pooled(factory, connectionString, queries, Mode.Nothing), -1));
                rows.Add(("pool RunWithConnection (autocommit)", () => Pooled(factory, connectionString, queries, Mode.Bare), 0));
                rows.Add(("pool RunQuery (in a transaction, as adbapi)", () => Pooled(factory, connectionString, queries, Mode.Query), 1));
                rows.Add(("pool RunQueryAsync (in a transaction)", () => Pooled(factory, connectionString, queries, Mode.QueryAsync), 2));
                if (inFlight > 1)
                {
                    rows.Add(($"pool RunWithConnection, {inFlight} in flight", () => Pooled(factory, connectionString, queries, Mode.Bare, inFlight), 0));
                    rows.Add(($"pool RunQuery, {inFlight} in flight", () => Pooled(factory, connectionString, queries, Mode.Query, inFlight), 1));
                    rows.Add(($"pool RunQueryAsync, {inFlight} in flight", () => Pooled(factory, connectionString, queries, Mode.QueryAsync, inFlight), 2));
                }
            }
            else
            {
                // A commit waits for the disk (fsync): a tenth as many keeps the run short.
                var inserts = Math.Max(1, queries / 10);
                rows.Add(("direct (begin, insert, commit)", () => Direct(factory, connectionString, inserts, Workload.Insert), -1));
                rows.Add(("direct async (begin, insert, commit)", () => DirectAsync(factory, connectionString, inserts, Workload.Insert), -1));
                rows.Add(("pool RunOperation", () => Pooled(factory, connectionString, inserts, Mode.Operation), 0));
                rows.Add(("pool RunOperationAsync", () => Pooled(factory, connectionString, inserts, Mode.OperationAsync), 1));
                if (inFlight > 1)
                {
                    rows.Add(($"pool RunOperation, {inFlight} in flight", () => Pooled(factory, connectionString, inserts, Mode.Operation, inFlight), 0));
                    rows.Add(($"pool RunOperationAsync, {inFlight} in flight", () => Pooled(factory, connectionString, inserts, Mode.OperationAsync, inFlight), 1));
                }
            }
            var costs = rows.Select(_ => new List<Cost>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                for (var r = 0; r < rows.Count; r++)
                {
                    costs[r].Add(rows[r].Run());
                }
            }
            var medians = costs.Select(c => new Cost(Median(c.Select(x => x.Wall)), Median(c.Select(x => x.Cpu)), Median(c.Select(x => x.Bytes)))).ToArray();
            for (var r = 0; r < rows.Count; r++)
            {
                var m = medians[r];
                var line = $"{name} {workload.ToString().ToLowerInvariant(),-6} {rows[r].Label,-50} wall {m.Wall,8:F2} us  cpu {m.Cpu,8:F2} us  alloc {m.Bytes,6:F0} B";
                if (rows[r].Baseline >= 0)
                {
                    var b = medians[rows[r].Baseline];
                    line += $"  | over [{rows[rows[r].Baseline].Label}]: wall +{m.Wall - b.Wall:F2} us ({(m.Wall / b.Wall - 1) * 100:F0}%), cpu +{m.Cpu - b.Cpu:F2} us ({(m.Cpu / b.Cpu - 1) * 100:F0}%)";
                }
                Console.WriteLine(line);
            }
        }
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    foreach (var suffix in new[] { "", "-wal", "-shm" })
    {
        File.Delete(sqlitePath + suffix);
    }
}
return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

// Wall-clock time (latency, one query at a time) and the process's CPU time (every thread: reactor,
// workers, the provider's) per query. On a loaded machine the CPU figure is the steadier one.
static Cost Measure(int queries, Action run)
{
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var bytes = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    run();
    var wall = clock.Elapsed;
    process.Refresh();
    return new Cost(wall.TotalMicroseconds / queries, (process.TotalProcessorTime - cpu).TotalMicroseconds / queries,
        (double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / queries);
}

static void Setup(DbProviderFactory factory, string connectionString, bool sqlite)
{
    using var connection = Open(factory, connectionString);
    using var command = connection.CreateCommand();
    if (sqlite)
    {
        command.CommandText = "PRAGMA journal_mode=WAL";
        command.ExecuteNonQuery();
    }
    command.CommandText = "DROP TABLE IF EXISTS bench; DROP TABLE IF EXISTS bench_log";
    command.ExecuteNonQuery();
    command.CommandText = sqlite
        ? "CREATE TABLE bench (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE bench_log (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"
        : "CREATE TABLE bench (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE bench_log (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v TEXT NOT NULL)";
    command.ExecuteNonQuery();
    using var tx = connection.BeginTransaction();
    command.Transaction = tx;
    command.CommandText = "INSERT INTO bench (id, v) VALUES (@p0, @p1)";
    var id = command.CreateParameter();
    id.ParameterName = "p0";
    var v = command.CreateParameter();
    v.ParameterName = "p1";
    command.Parameters.Add(id);
    command.Parameters.Add(v);
    for (var i = 0; i < 1000; i++)
    {
        id.Value = i;
        v.Value = "row " + i.ToString(CultureInfo.InvariantCulture);
        command.ExecuteNonQuery();
    }
    tx.Commit();
}

static DbConnection Open(DbProviderFactory factory, string connectionString)
{
    var connection = factory.CreateConnection()!;
    connection.ConnectionString = connectionString;
    connection.Open();
    return connection;
}

// Direct ADO.NET at its best: one open connection, one prepared command reused, values rebound.
static Cost Direct(DbProviderFactory factory, string connectionString, int queries, Workload workload)
{
    using var connection = Open(factory, connectionString);
    using var command = connection.CreateCommand();
    command.CommandText = workload == Workload.Insert ? "INSERT INTO bench_log (v) VALUES (@p0)" : "SELECT v FROM bench WHERE id = @p0";
    var p = command.CreateParameter();
    p.ParameterName = "p0";
    command.Parameters.Add(p);
    void One(int i)
    {
        if (workload == Workload.Select)
        {
            p.Value = i % 1000;
            command.ExecuteScalar();
            return;
        }
        using var tx = connection.BeginTransaction();
        command.Transaction = tx;
        if (workload == Workload.Insert)
        {
            p.Value = "line " + i.ToString(CultureInfo.InvariantCulture);
            command.ExecuteNonQuery();
        }
        else
        {
            // As RunQuery does and as a caller who wants the rows must: a reader, each row read into an array.
            p.Value = i % 1000;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row!);
            }
        }
        tx.Commit();
        command.Transaction = null;
    }
    for (var i = 0; i < Math.Min(queries, 1000); i++)
    {
        One(i);
    }
    return Measure(queries, () =>
    {
        for (var i = 0; i < queries; i++)
        {
            One(i);
        }
    });
}

// Direct ADO.NET on the provider's async API (what the pool's ...Async methods use), from a thread-pool thread.
static Cost DirectAsync(DbProviderFactory factory, string connectionString, int queries, Workload workload) =>
    Task.Run(async () =>
    {
        var connection = factory.CreateConnection()!;
        await using (connection)
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync();
            var command = connection.CreateCommand();
            await using (command)
            {
                command.CommandText = workload == Workload.Insert ? "INSERT INTO bench_log (v) VALUES (@p0)" : "SELECT v FROM bench WHERE id = @p0";
                var p = command.CreateParameter();
                p.ParameterName = "p0";
                command.Parameters.Add(p);
                async Task One(int i)
                {
                    var tx = await connection.BeginTransactionAsync();
                    await using (tx)
                    {
                        command.Transaction = tx;
                        if (workload == Workload.Insert)
                        {
                            p.Value = "line " + i.ToString(CultureInfo.InvariantCulture);
                            await command.ExecuteNonQueryAsync();
                        }
                        else
                        {
                            p.Value = i % 1000;
                            var reader = await command.ExecuteReaderAsync();
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
                        command.Transaction = null;
                    }
                }
                for (var i = 0; i < Math.Min(queries, 1000); i++)
                {
                    await One(i);
                }
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var bytes = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < queries; i++)
                {
                    await One(i);
                }
                var wall = clock.Elapsed;
                process.Refresh();
                return new Cost(wall.TotalMicroseconds / queries, (process.TotalProcessorTime - cpu).TotalMicroseconds / queries,
                    (double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / queries);
            }
        }
    }).GetAwaiter().GetResult();

// The same statements through a one-connection pool on a running reactor. With inFlight 1 each is awaited
// before the next (latency: both thread hand-offs are on the clock); with more, that many callers each await
// their own queries one after another, as a server's clients do, and the connection is never left idle
// waiting for the loop (throughput: what the connection does per second through the pool against on its
// own; the one connection still runs one statement at a time).
static Cost Pooled(DbProviderFactory factory, string connectionString, int queries, Mode mode, int inFlight = 1)
{
    var reactor = Reactors.Create();
    var perQuery = default(Cost);
    DbCommand? kept = null;
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
    return perQuery;

    async Deferred Run()
    {
        var pool = new ConnectionPool(factory, connectionString, min: 1, max: 1, reactor: reactor);
        for (var i = 0; i < Math.Min(queries, 1000); i++)
        {
            await Query(pool, i);
        }
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        if (inFlight == 1)
        {
            for (var i = 0; i < queries; i++)
            {
                await Query(pool, i);
            }
        }
        else
        {
            var next = 0;
            async Deferred Caller()
            {
                for (var i = next++; i < queries; i = next++)
                {
                    await Query(pool, i);
                }
            }
            await Deferred.GatherResults(Enumerable.Range(0, inFlight).Select(_ => (Deferred<Unit>)Caller()).ToList());
        }
        var wall = clock.Elapsed;
        process.Refresh();
        perQuery = new Cost(wall.TotalMicroseconds / queries, (process.TotalProcessorTime - cpu).TotalMicroseconds / queries,
            (double)(GC.GetTotalAllocatedBytes(precise: true) - bytes) / queries);
        await pool.Close();
    }

    Deferred<object?> Query(ConnectionPool pool, int i) => mode switch
    {
        Mode.Nothing => pool.RunWithConnection(static c => (object?)null),
        // As the direct row does (and as code that cares writes it): one command per connection, kept and
        // rebound, so the row compares the pool's hand-off and nothing else.
        Mode.Bare => pool.RunWithConnection(c =>
        {
            if (!ReferenceEquals(kept?.Connection, c))
            {
                kept = c.CreateCommand();
                kept.CommandText = "SELECT v FROM bench WHERE id = @p0";
                var p = kept.CreateParameter();
                p.ParameterName = "p0";
                kept.Parameters.Add(p);
            }
            kept.Parameters[0].Value = i % 1000;
            return kept.ExecuteScalar();
        }),
        Mode.Query => pool.RunQuery("SELECT v FROM bench WHERE id = @p0", i % 1000).AddCallback(rows => rows[0][0]),
        Mode.QueryAsync => pool.RunQueryAsync("SELECT v FROM bench WHERE id = @p0", i % 1000).AddCallback(rows => rows[0][0]),
        Mode.Operation => pool.RunOperation("INSERT INTO bench_log (v) VALUES (@p0)", "line " + i.ToString(CultureInfo.InvariantCulture)).AddCallback(n => (object?)n),
        _ => pool.RunOperationAsync("INSERT INTO bench_log (v) VALUES (@p0)", "line " + i.ToString(CultureInfo.InvariantCulture)).AddCallback(n => (object?)n),
    };
}

internal readonly record struct Cost(double Wall, double Cpu, double Bytes);

internal enum Mode
{
    Nothing,
    Bare,
    Query,
    QueryAsync,
    Operation,
    OperationAsync,
}

internal enum Workload
{
    Select,
    SelectInTransaction,
    Insert,
}
