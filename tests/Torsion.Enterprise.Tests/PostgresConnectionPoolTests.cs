using Torsion.Defer;

namespace Torsion.Enterprise.Tests;

/// <summary>
/// The pool tests on a real PostgreSQL server (TORSION_TEST_POSTGRES; postgres.sh), plus what only a truly
/// asynchronous provider can show: asynchronous work that holds no worker thread.
/// </summary>
public sealed class PostgresConnectionPoolTests : ConnectionPoolTests
{
    public PostgresConnectionPoolTests()
        : base(new PostgresProvider())
    {
    }

    [Fact]
    public void AsyncInteractionsRunTogetherWithoutHoldingAWorkerThread()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = new ConnectionPool(Provider.Factory, Provider.ConnectionString, min: 0, max: 3, reactor: reactor);
            var inFlight = 0;
            var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var work = Enumerable.Range(0, 3).Select(i => pool.RunInteractionAsync(async t =>
            {
                var pid = (await t.QueryAsync("SELECT pg_backend_pid()"))[0][0];
                if (Interlocked.Increment(ref inFlight) == 3)
                {
                    allIn.SetResult();
                }
                // All three interactions are open on the server at once, and no pool worker is waiting for any.
                await allIn.Task.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.DoesNotContain("torsion-dbpool", Thread.CurrentThread.Name ?? "");
                await t.ExecuteAsync("SELECT pg_sleep(0.05)");
                return pid;
            })).ToList();
            var pids = new List<object?>();
            foreach (var d in work)
            {
                pids.Add(await d);
                Assert.Same(loop, Thread.CurrentThread);
            }
            Assert.Equal(3, pids.Distinct().Count());
            Assert.Equal(0, pool.WorkerThreads);
            await pool.Close();
        });
    }

    [Fact]
    public void AnAsyncQueryWhoseBackendIsKilledIsRetriedOnANewConnection()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = new ConnectionPool(Provider.Factory, Provider.ConnectionString, min: 0, max: 1, reactor: reactor);
            var first = Convert.ToInt32((await pool.RunQueryAsync("SELECT pg_backend_pid()"))[0][0], System.Globalization.CultureInfo.InvariantCulture);
            using (var admin = new Npgsql.NpgsqlConnection(Provider.ConnectionString))
            {
                admin.Open();
                using var kill = new Npgsql.NpgsqlCommand("SELECT pg_terminate_backend(@p, 30000)", admin);
                kill.Parameters.AddWithValue("p", first);
                Assert.Equal(true, kill.ExecuteScalar());
            }
            var second = Convert.ToInt32((await pool.RunQueryAsync("SELECT pg_backend_pid()"))[0][0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Same(loop, Thread.CurrentThread);
            Assert.NotEqual(first, second);
            Assert.True(pool.Reconnects >= 1);
            await pool.Close();
        });
    }

    [Fact]
    public void ShutdownCancelsAsyncWorkThatOutlivesTheCloseTimeout()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = new ConnectionPool(Provider.Factory, Provider.ConnectionString, min: 0, max: 1, reactor: reactor, closeTimeout: 0.2);
            var started = new Deferred();
            var endless = pool.RunInteractionAsync(async t =>
            {
                reactor.CallFromThread(() => started.Callback());
                await t.ExecuteAsync("SELECT pg_sleep(600)");
                return 0;
            });
            await started;
            StopOnce(reactor);
            // The shutdown waits for the running query only until the close timeout, then cancels it.
            var error = await Failing(endless);
            Assert.Same(loop, Thread.CurrentThread);
            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.True(pool.Closed);
        });
    }
}
