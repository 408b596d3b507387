using System.Data.Common;
using System.Globalization;

namespace Torsion.Bench.Db;

/// <summary>The table's rows, how they take turns, and how the result is printed.</summary>
internal static class Rows
{
    public const string SelectSql = "SELECT v FROM bench WHERE id = @p0";
    public const string InsertSql = "INSERT INTO bench_log (v) VALUES (@p0)";

    /// <summary>The rows of <paramref name="workload"/>: direct first, then the pool's, each with its direct row.</summary>
    public static List<Row> For(Workload workload, DbProviderFactory factory, string connectionString, LoopThread loop, int inFlight, string? match)
    {
        var rows = All(workload, factory, connectionString, loop, inFlight);
        if (match is null)
        {
            return rows;
        }
        var kept = rows.Where(r => r.Label.Contains(match, StringComparison.Ordinal)).ToList();
        kept.InsertRange(0, kept.Select(r => r.Baseline).OfType<Row>().Distinct().Where(b => !kept.Contains(b)).ToList());
        foreach (var row in rows.Except(kept))
        {
            row.Dispose();
        }
        return kept;
    }

    private static List<Row> All(Workload workload, DbProviderFactory factory, string connectionString, LoopThread loop, int inFlight)
    {
        var rows = new List<Row>();
        PooledRow Pooled(string label, Row? baseline, Mode mode, int n) => new(label, baseline, loop, factory, connectionString, mode, n);
        if (workload == Workload.Select)
        {
            var bare = new DirectRow("direct, autocommit", factory, connectionString, Workload.Select);
            var inTx = new DirectRow("direct in a transaction (begin, select rows, commit)", factory, connectionString, Workload.SelectInTransaction);
            var async = new DirectAsyncRow("direct async in a transaction", factory, connectionString, insert: false);
            rows.AddRange([bare, inTx, async]);
            rows.Add(Pooled("pool RunWithConnection, no statement: the pool's own cost", null, Mode.Nothing, 1));
            rows.Add(Pooled("pool RunWithConnection (autocommit)", bare, Mode.Bare, 1));
            rows.Add(Pooled("pool RunQuery (in a transaction, as adbapi)", inTx, Mode.Query, 1));
            rows.Add(Pooled("pool RunQueryAsync (in a transaction)", async, Mode.QueryAsync, 1));
            if (inFlight > 1)
            {
                rows.Add(Pooled($"pool RunWithConnection, no statement, {inFlight} in flight", null, Mode.Nothing, inFlight));
                rows.Add(Pooled($"pool RunWithConnection, {inFlight} in flight", bare, Mode.Bare, inFlight));
                rows.Add(Pooled($"pool RunQuery, {inFlight} in flight", inTx, Mode.Query, inFlight));
                rows.Add(Pooled($"pool RunQueryAsync, {inFlight} in flight", async, Mode.QueryAsync, inFlight));
            }
        }
        else
        {
            var direct = new DirectRow("direct (begin, insert, commit)", factory, connectionString, Workload.Insert);
            var async = new DirectAsyncRow("direct async (begin, insert, commit)", factory, connectionString, insert: true);
            rows.AddRange([direct, async]);
            rows.Add(Pooled("pool RunOperation", direct, Mode.Operation, 1));
            rows.Add(Pooled("pool RunOperationAsync", async, Mode.OperationAsync, 1));
            if (inFlight > 1)
            {
                rows.Add(Pooled($"pool RunOperation, {inFlight} in flight", direct, Mode.Operation, inFlight));
                rows.Add(Pooled($"pool RunOperationAsync, {inFlight} in flight", async, Mode.OperationAsync, inFlight));
            }
        }
        return rows;
    }

    /// <summary>
    /// One warm-up round, then <paramref name="rounds"/> rounds of one block per row; the row that goes first
    /// moves on by one each round, so no row always follows the same other row.
    /// </summary>
    public static Cost[][] Measure(List<Row> rows, int block, int rounds)
    {
        foreach (var row in rows)
        {
            row.Run(block);
        }
        var costs = new Cost[rows.Count][];
        for (var r = 0; r < rows.Count; r++)
        {
            costs[r] = new Cost[rounds];
        }
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < rows.Count; k++)
            {
                var r = (round + k) % rows.Count;
                costs[r][round] = rows[r].Run(block);
            }
        }
        return costs;
    }

    public static void Print(string target, Workload workload, List<Row> rows, Cost[][] costs, int queries)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            var c = costs[r];
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{target} {workload.ToString().ToLowerInvariant(),-6} {rows[r].Label,-58} wall {Median(c.Select(x => x.Wall)),8:F2} us  cpu {Median(c.Select(x => x.Cpu)),8:F2} us  alloc {Median(c.Select(x => x.Bytes)),6:F0} B" +
                $"  gc {c.Average(x => x.GcPause),5:F2} us ({1000.0 * c.Sum(x => x.Collections) / (c.Length * queries),4:F2}/1000 q, gen1+ {1000.0 * c.Sum(x => x.OlderCollections) / (c.Length * queries),4:F2})");
            if (rows[r].Baseline is { } baseline)
            {
                var b = costs[rows.IndexOf(baseline)];
                var wall = Enumerable.Range(0, c.Length).Select(i => c[i].Wall / b[i].Wall).ToArray();
                var cpu = Enumerable.Range(0, c.Length).Select(i => c[i].Cpu / b[i].Cpu).ToArray();
                // The wall time each row spent outside the collector's pauses: what the pool's own path costs,
                // apart from collecting what it (and the statement) allocated.
                var mutator = Enumerable.Range(0, c.Length).Select(i => (c[i].Wall - c[i].GcPause) / (b[i].Wall - b[i].GcPause)).ToArray();
                line += string.Create(CultureInfo.InvariantCulture,
                    $"  | vs [{baseline.Label}]: wall {Percent(Median(wall))} [{Percent(Quantile(wall, 0.25))}, {Percent(Quantile(wall, 0.75))}], cpu {Percent(Median(cpu))}, wall outside gc {Percent(Median(mutator))}");
            }
            Console.WriteLine(line);
        }
    }

    public static void Setup(DbProviderFactory factory, string connectionString, bool sqlite)
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

    public static DbConnection Open(DbProviderFactory factory, string connectionString)
    {
        var connection = factory.CreateConnection()!;
        connection.ConnectionString = connectionString;
        connection.Open();
        return connection;
    }

    private static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{(ratio - 1) * 100:+0;-0}%");

    private static double Median(IEnumerable<double> values) => Quantile(values.ToArray(), 0.5);

    // Linear between the two nearest ranks.
    private static double Quantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        var at = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(at);
        var hi = (int)Math.Ceiling(at);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}
