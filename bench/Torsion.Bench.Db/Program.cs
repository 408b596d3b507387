// Torsion.Bench.Db [--queries N] [--rounds R] [--in-flight N] [--only select|insert] [--match TEXT] [--postgres] [--dir DIR] [--pin]:
// microseconds per query through ConnectionPool against direct ADO.NET on the same connection string and the
// same statements.
//
// Every row stays open for the whole run (its connection, or its pool on one reactor thread) and runs a
// block of N queries (default 2,000; inserts a tenth) per round; the rows take turns, in an order that
// rotates from round to round, R rounds (default 21) after one warm-up round. A pool row is compared with
// its direct row round by round (the ratio of the two blocks of the same round), and the median of those
// ratios is printed with the interquartile range: on a shared 2-core VM the machine's speed drifts by tens of
// per cent within seconds, and the blocks of one round are close enough in time to see the same machine.
//
// Direct rows run one query at a time on one connection. Pool rows first one at a time too (each waits
// for the last: the pool's latency per query), then with --in-flight callers (default 64) queuing on the
// same one connection (the pool's throughput, what a server's clients see: its cost per query when the
// connection is kept busy). --in-flight 1 leaves those rows out. Two workloads:
//   select  SELECT v FROM bench WHERE id = @p0      (one row by primary key, 1000-row table)
//   insert  INSERT INTO bench_log (v) VALUES (@p0)  in a transaction, committed
// SQLite on a file database (WAL, as examples/reverser-db.csx) in DIR (default: the temp directory), always;
// PostgreSQL when --postgres is given or TORSION_TEST_POSTGRES is set (its value is the connection string;
// tests/Torsion.Enterprise.Tests/postgres.sh start DIR prints one). On a 2-core machine give PostgreSQL and this
// program a CPU each (TORSION_POSTGRES_CPUS=1 postgres.sh start DIR; taskset -c 0 dotnet ...): where the server's
// backend, the pool's worker and the loop share both cores, a row moves by tens of per cent from round to round.
// --pin runs every statement on CPU 0 (the direct rows' thread and each pool's worker, pinned again before
// each block) and the loop on CPU 1: where the machine's two CPUs run at different speeds (a VM whose host is
// busy on one of them), the ratios then compare the pool with direct ADO.NET on the same CPU.
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Torsion.Bench.Db;
using Torsion.Internet;

var queries = 2000;
var rounds = 21;
var postgres = false;
var dir = Path.GetTempPath();
var inFlight = 64;
string? only = null; // "select" or "insert": one workload
string? match = null; // only the rows whose label contains this, and their direct rows
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
        case "--match": match = args[++i]; break;
        case "--pin": Affinity.Enabled = true; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}': --queries N --rounds R --in-flight N --only select|insert --match TEXT --postgres --dir DIR --pin");
            return 2;
    }
}

if (Affinity.Enabled && Environment.ProcessorCount < 2)
{
    Console.Error.WriteLine("--pin needs two CPUs");
    return 2;
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

Console.WriteLine($"blocks of {queries} queries (inserts: {Math.Max(1, queries / 10)}), {rounds} rounds, rows rotating; medians over the rounds of wall-clock us, " +
    "process CPU us and bytes allocated per query; gc: the collector's mean pause per query (collections per 1000 queries, gen1+ of them); " +
    "pool rows: the median of the per-round ratios to their direct row [interquartile range], and of the ratios outside GC pauses");
Affinity.PinCurrentThread(Affinity.StatementCpu);
var loop = new LoopThread();
try
{
    foreach (var (name, factory, connectionString) in targets)
    {
        Rows.Setup(factory, connectionString, name == "sqlite");
        foreach (var workload in new[] { Workload.Select, Workload.Insert })
        {
            if (only is not null && !string.Equals(only, workload.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var rows = Rows.For(workload, factory, connectionString, loop, inFlight, match);
            var block = workload == Workload.Insert ? Math.Max(1, queries / 10) : queries; // a commit waits for the disk
            try
            {
                var costs = Rows.Measure(rows, block, rounds);
                Rows.Print(name, workload, rows, costs, block);
            }
            finally
            {
                foreach (var row in rows)
                {
                    row.Dispose();
                }
            }
        }
    }
}
finally
{
    loop.Dispose();
    SqliteConnection.ClearAllPools();
    foreach (var suffix in new[] { "", "-wal", "-shm" })
    {
        File.Delete(sqlitePath + suffix);
    }
}
return 0;
