using System.Data.Common;
using System.Globalization;
using Torsion.Defer;
using Torsion.Enterprise;

namespace Torsion.Bench.Db;

/// <summary>
/// The same statements through a one-connection pool on the loop thread. With one in flight each query is
/// awaited before the next (latency: both thread hand-offs are on the clock); with more, that many callers
/// each await their own queries one after another, as a server's clients do, and the connection is never
/// left idle waiting for the loop (throughput: the one connection still runs one statement at a time).
/// </summary>
internal sealed class PooledRow : Row
{
    private readonly LoopThread _loop;
    private readonly ConnectionPool _pool;
    private readonly Mode _mode;
    private readonly int _inFlight;
    private DbCommand? _kept;
    private int _next;

    public PooledRow(string label, Row? baseline, LoopThread loop, DbProviderFactory factory, string connectionString, Mode mode, int inFlight)
        : base(label, baseline)
    {
        _loop = loop;
        _mode = mode;
        _inFlight = inFlight;
        _pool = loop.Invoke(() => new ConnectionPool(factory, connectionString, min: 1, max: 1, reactor: loop.Reactor));
    }

    public override Cost Run(int queries) => _loop.Await(() => Block(queries));

    public override void Dispose() => _loop.Await<Unit>(_pool.Close);

    private async Deferred<Cost> Block(int queries)
    {
        if (Affinity.Enabled)
        {
            // On the worker that will run this block's statements (one connection, so one worker), before the
            // clock starts: a worker started anew by the loop's thread would have inherited the loop's CPU.
            await _pool.RunWithConnection(static _ =>
            {
                Affinity.PinCurrentThread(Affinity.StatementCpu);
                return Unit.Value;
            });
        }
        var meter = CostMeter.Start();
        // The running count is a local of this block (on its own heap object), not a field: the loop writes it
        // for every query, and beside _kept it would cost the worker, which reads _kept, a cache miss per query.
        var next = _next;
        var end = next + queries;
        if (_inFlight == 1)
        {
            while (next < end)
            {
                await Query(next++);
            }
        }
        else
        {
            async Deferred<Unit> Caller()
            {
                while (next < end)
                {
                    await Query(next++);
                }
                return Unit.Value;
            }
            await Deferred.GatherResults(Enumerable.Range(0, _inFlight).Select(_ => Caller()).ToList());
        }
        _next = next;
        return meter.Stop(queries);
    }

    private Deferred<object?> Query(int i) => _mode switch
    {
        Mode.Nothing => _pool.RunWithConnection(static c => (object?)null),
        // As the direct row does (and as code that cares writes it): one command per connection, kept and
        // rebound, so the row compares the pool's hand-off and nothing else.
        Mode.Bare => _pool.RunWithConnection(c =>
        {
            if (!ReferenceEquals(_kept?.Connection, c))
            {
                _kept = c.CreateCommand();
                _kept.CommandText = Rows.SelectSql;
                var p = _kept.CreateParameter();
                p.ParameterName = "p0";
                _kept.Parameters.Add(p);
            }
            _kept.Parameters[0].Value = i % 1000;
            return _kept.ExecuteScalar();
        }),
        Mode.Query => _pool.RunQuery(Rows.SelectSql, i % 1000).AddCallback(rows => rows[0][0]),
        Mode.QueryAsync => _pool.RunQueryAsync(Rows.SelectSql, i % 1000).AddCallback(rows => rows[0][0]),
        Mode.Operation => _pool.RunOperation(Rows.InsertSql, "line " + i.ToString(CultureInfo.InvariantCulture)).AddCallback(n => (object?)n),
        _ => _pool.RunOperationAsync(Rows.InsertSql, "line " + i.ToString(CultureInfo.InvariantCulture)).AddCallback(n => (object?)n),
    };
}
