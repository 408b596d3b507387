using System.Data.Common;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Enterprise.Tests;

/// <summary>
/// The pool's behaviour, run against every provider (SqliteConnectionPoolTests, PostgresConnectionPoolTests):
/// CRUD, parameters, transactions, ordering under a bounded pool, reconnecting, shutdown, and where results arrive.
/// </summary>
public abstract class ConnectionPoolTests : PoolTestBase
{
    protected ConnectionPoolTests(DatabaseProvider provider)
        : base(provider)
    {
    }

    private ConnectionPool NewPool(IReactor reactor, int min = 1, int max = 5) =>
        new(Provider.Factory, Provider.ConnectionString, min, max, reactor: reactor);

    private static long Long(object? value) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void CrudRoundTripsAndResultsArriveOnTheReactorThread()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            Assert.Same(loop, Thread.CurrentThread);
            for (var i = 1; i <= 3; i++)
            {
                Assert.Equal(1, await pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", i, "row" + i));
                Assert.Same(loop, Thread.CurrentThread);
            }
            Assert.Equal(1, await pool.RunOperation($"UPDATE {table} SET name = @p0 WHERE id = @p1", "changed", 2));
            Assert.Equal(1, await pool.RunOperation($"DELETE FROM {table} WHERE id = @p0", 3));
            var rows = await pool.RunQuery($"SELECT id, name FROM {table} ORDER BY id");
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(2, rows.Count);
            Assert.Equal((1L, "row1"), (Long(rows[0][0]), rows[0][1]));
            Assert.Equal((2L, "changed"), (Long(rows[1][0]), rows[1][1]));
            await pool.Close();
        });
    }

    [Fact]
    public void ParametersCarryQuotesAndNullsAsValuesNotSql()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor);
            var table = NewTable();
            await pool.RunOperation($"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)");
            const string Hostile = "O'Brien'); DROP TABLE x; --";
            await pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 1, Hostile);
            await pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 2, null);
            var byName = await pool.RunQuery($"SELECT id FROM {table} WHERE name = @p0", Hostile);
            Assert.Equal(1L, Long(Assert.Single(byName)[0]));
            var nulls = await pool.RunQuery($"SELECT id, name FROM {table} WHERE name IS NULL");
            var row = Assert.Single(nulls);
            Assert.Equal(2L, Long(row[0]));
            Assert.Null(row[1]);
            await pool.Close();
        });
    }

    [Fact]
    public void AnInteractionIsCommittedWhenItReturns()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            Thread? worker = null;
            var seen = await pool.RunInteraction(t =>
            {
                worker = Thread.CurrentThread;
                t.Execute($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 1, "a");
                Assert.Equal(1, t.RowCount);
                t.Execute($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 2, "b");
                t.Execute($"SELECT name FROM {table} ORDER BY id");
                var first = t.FetchOne();
                var rest = t.FetchAll();
                Assert.Null(t.FetchOne());
                return (string)first![0]! + (string)rest.Single()[0]!;
            });
            Assert.Same(loop, Thread.CurrentThread);
            Assert.NotSame(loop, worker);
            Assert.Equal("ab", seen);
            Assert.Equal(2L, Long((await pool.RunQuery($"SELECT COUNT(*) FROM {table}"))[0][0]));
            await pool.Close();
        });
    }

    [Fact]
    public void AnInteractionThatThrowsIsRolledBackAndItsExceptionIsTheFailure()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            await pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (1, 'kept')");
            var error = await Failing(pool.RunInteraction<int>(t =>
            {
                t.Execute($"INSERT INTO {table} (id, name) VALUES (2, 'lost')");
                t.Execute($"UPDATE {table} SET name = 'lost' WHERE id = 1");
                throw new InvalidOperationException("the interaction gives up");
            }));
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal("the interaction gives up", Assert.IsType<InvalidOperationException>(error).Message);
            var rows = await pool.RunQuery($"SELECT id, name FROM {table}");
            var row = Assert.Single(rows);
            Assert.Equal("kept", row[1]);
            await pool.Close();
        });
    }

    [Fact]
    public void SqlErrorsAndConstraintViolationsAreTrappableAndLoseNothingCommitted()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            await pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (1, 'first')");
            var duplicate = await Failing(pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (1, 'again')"));
            Assert.IsAssignableFrom<DbException>(duplicate);
            var notNull = await Failing(pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (2, NULL)"));
            Assert.IsAssignableFrom<DbException>(notNull);
            var syntax = await Failing(pool.RunQuery("SELEKT nonsense"));
            Assert.IsAssignableFrom<DbException>(syntax);
            // The one connection survived all three and still holds the committed row.
            var rows = await pool.RunQuery($"SELECT name FROM {table}");
            Assert.Equal("first", Assert.Single(rows)[0]);
            Assert.Equal(0, pool.Reconnects);
            await pool.Close();
        });
    }

    [Fact]
    public void WorkWaitsForAFreeConnectionInOrderAndNeverExceedsMax()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 0, max: 2);
            var current = 0;
            var highest = 0;
            var completed = 0;
            var startedAfter = new int[10];
            // The first two must run together: proof that two connections are really used at once.
            using var firstTwo = new Barrier(2);
            var work = new List<Deferred<int>>();
            for (var i = 0; i < 10; i++)
            {
                var index = i;
                work.Add(pool.RunWithConnection(c =>
                {
                    var now = Interlocked.Increment(ref current);
                    InterlockedMax(ref highest, now);
                    startedAfter[index] = Volatile.Read(ref completed);
                    if (index < 2)
                    {
                        Assert.True(firstTwo.SignalAndWait(TimeSpan.FromSeconds(60)), "the first two items did not run at the same time");
                    }
                    using var command = c.CreateCommand();
                    command.CommandText = "SELECT 1";
                    command.ExecuteScalar();
                    Interlocked.Decrement(ref current);
                    Interlocked.Increment(ref completed);
                    return index;
                }));
            }
            Assert.Equal(8, pool.Waiting);
            var order = new List<int>();
            foreach (var d in work)
            {
                order.Add(await d);
                Assert.Same(loop, Thread.CurrentThread);
            }
            Assert.Equal(Enumerable.Range(0, 10), order);
            Assert.Equal(2, highest);
            Assert.True(pool.Connections <= 2);
            // FIFO: item i gets a connection only after one of the two earlier holders let go.
            for (var i = 2; i < 10; i++)
            {
                Assert.True(startedAfter[i] >= i - 1, $"item {i} started after {startedAfter[i]} completions");
            }
            await pool.Close();
        });
    }

    [Fact]
    public void AConnectionGoesStraightFromFinishedWorkToTheNextWaitingWork()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            using var secondStarted = new ManualResetEventSlim();
            using var firstMayEnd = new ManualResetEventSlim();
            // The first holds the connection until the second is queued behind it.
            var first = pool.RunWithConnection(c =>
            {
                Assert.True(firstMayEnd.Wait(TimeSpan.FromSeconds(30)), "the first work was never let go");
                return 1;
            });
            var second = pool.RunWithConnection(c =>
            {
                secondStarted.Set();
                return 2;
            });
            Assert.Equal(1, pool.Waiting);
            firstMayEnd.Set();
            // The reactor thread is held here, as a busy loop would be: only the worker that ran the first work
            // can give the second its connection. Through the reactor thread, this wait would time out.
            Assert.True(secondStarted.Wait(TimeSpan.FromSeconds(30)), "the second work waited for the reactor thread to hand it the connection");
            Assert.Equal(0, pool.Waiting);
            Assert.Equal(1, await first);
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(2, await second);
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(1, pool.Connections);
            await pool.Close();
        });
    }

    [Fact]
    public void WorkTakingAConnectionOverRunsOnThatThreadInOrderAndTheLoopAwaitsNothingAfterwards()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            var postsBefore = pool.Workers.Posts;
            using var firstMayEnd = new ManualResetEventSlim();
            var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var first = pool.RunWithConnection(c =>
            {
                Assert.True(firstMayEnd.Wait(TimeSpan.FromSeconds(30)), "the first work was never let go");
                order.Enqueue("first");
                return 0;
            });
            // Blocking and asynchronous work queued behind it, alternating, so each kind takes the connection
            // over from the other kind as well as from its own.
            var rest = new List<Deferred<int>>();
            for (var i = 1; i <= 6; i++)
            {
                var n = i;
                if (i % 3 == 0)
                {
                    rest.Add(pool.RunInteractionAsync(async t =>
                    {
                        order.Enqueue("async " + n);
                        return (int)Long((await t.QueryAsync("SELECT @p0", n))[0][0]);
                    }));
                }
                else
                {
                    rest.Add(pool.RunWithConnection(c =>
                    {
                        order.Enqueue("blocking " + n);
                        return n;
                    }));
                }
            }
            Assert.Equal(6, pool.Waiting);
            firstMayEnd.Set();
            Assert.Equal(0, await first);
            for (var i = 0; i < rest.Count; i++)
            {
                Assert.Equal(i + 1, await rest[i]);
                Assert.Same(loop, Thread.CurrentThread);
            }
            Assert.Equal(["first", "blocking 1", "blocking 2", "async 3", "blocking 4", "blocking 5", "async 6"], order);
            // Blocking work went through the workers' queue twice: the first, and "blocking 4", which took the
            // connection over on the thread-pool thread "async 3" ran on. A worker that released the connection
            // to blocking work ran it itself (queued each time, it would be five).
            Assert.Equal(2, pool.Workers.Posts - postsBefore);
            // Each handed-over result passed the loop's "awaiting a thread call" mark on: none may be left over
            // (the loop would spin for results that never come) or taken twice.
            Assert.Equal(0, AwaitedThreadCalls(reactor));
            Assert.Equal(1, pool.Connections);
            await pool.Close();
        });
    }

    [Fact]
    public void AsyncWorkResumedOffTheThreadPoolStartsTheNextWorkOnTheThreadPool()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            var resume = new TaskCompletionSource<int>();
            var firstWaits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // The first interaction resumes on a thread of its own (as a provider's completion might), and ends
            // there; the work queued behind it must start on the thread pool, not on that thread.
            var first = pool.RunInteractionAsync(async t =>
            {
                firstWaits.SetResult();
                var n = await resume.Task;
                return (int)Long((await t.QueryAsync("SELECT @p0", n))[0][0]);
            });
            var secondRanOn = new TaskCompletionSource<(bool ThreadPool, bool Loop)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var second = pool.RunInteractionAsync(async t =>
            {
                secondRanOn.TrySetResult((Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread == loop));
                return (int)Long((await t.QueryAsync("SELECT 2"))[0][0]);
            });
            Assert.Equal(1, pool.Waiting);
            await firstWaits.Task;
            var own = new Thread(() => resume.SetResult(1)) { IsBackground = true, Name = "not-the-thread-pool" };
            own.Start();
            Assert.Equal(1, await first);
            Assert.Equal(2, await second);
            var ranOn = await secondRanOn.Task;
            Assert.True(ranOn.ThreadPool, "the next work started on the thread the last one resumed on, not on the thread pool");
            Assert.False(ranOn.Loop);
            Assert.Equal(0, AwaitedThreadCalls(reactor));
            own.Join();
            await pool.Close();
        });
    }

    private static int AwaitedThreadCalls(IReactor reactor) =>
        (int)typeof(ReactorBase).GetProperty("AwaitedThreadCalls", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(reactor)!;

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public void MinConnectionsAreOpenedWhenTheReactorStarts()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 3, max: 5);
            await pool.WhenOpened();
            Assert.Equal(3, pool.Connections);
            await pool.Close();
            Assert.Equal(0, pool.Connections);
        });
    }

    [Fact]
    public void AConnectionBrokenWhileIdleIsReopenedForTheNextWork()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            await Provider.BreakPooledConnection(pool);
            var rows = await pool.RunQuery("SELECT 2");
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(2L, Long(rows[0][0]));
            Assert.True(pool.Reconnects >= 1);
            await pool.Close();
        });
    }

    [Fact]
    public void AConnectionBrokenWhileIdleIsReopenedForTheNextAsyncWork()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQueryAsync("SELECT 1"))[0][0]));
            var reconnects = pool.Reconnects;
            await Provider.BreakPooledConnection(pool);
            var rows = await pool.RunQueryAsync("SELECT 2");
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(2L, Long(rows[0][0]));
            Assert.True(pool.Reconnects > reconnects, "the broken connection was not replaced");
            // An interaction that throws before it awaits anything fails the same way and rolls back.
            var error = await Failing(pool.RunInteractionAsync<int>(t => throw new InvalidOperationException("gives up at once")));
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal("gives up at once", error.Message);
            Assert.Equal(3L, Long((await pool.RunQueryAsync("SELECT 3"))[0][0]));
            await pool.Close();
        });
    }

    [Fact]
    public void AnInteractionWhoseConnectionBreaksIsRunOnceMoreOnANewConnection()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            var attempts = 0;
            var result = await pool.RunInteraction(t =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    Provider.BreakFromInside(t);
                }
                return t.Execute($"INSERT INTO {table} (id, name) VALUES (1, 'once')");
            });
            Assert.Equal(1, result);
            Assert.Equal(2, attempts);
            Assert.Equal(1, pool.Reconnects);
            var rows = await pool.RunQuery($"SELECT name FROM {table}");
            Assert.Equal("once", Assert.Single(rows)[0]);
            await pool.Close();
        });
    }

    [Fact]
    public void AConnectionThatBreaksAgainFailsClearlyAndThePoolRecovers()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            var attempts = 0;
            var error = await Failing(pool.RunInteraction(t =>
            {
                Interlocked.Increment(ref attempts);
                Provider.BreakFromInside(t);
                return t.Execute("SELECT 1");
            }));
            Assert.Same(loop, Thread.CurrentThread);
            var lost = Assert.IsType<DatabaseConnectionLostException>(error);
            Assert.Contains("broke again", lost.Message);
            Assert.NotNull(lost.InnerException);
            Assert.Equal(2, attempts);
            Assert.Equal(3L, Long((await pool.RunQuery("SELECT 3"))[0][0]));
            await pool.Close();
        });
    }

    [Fact]
    public void WorkOnABareConnectionIsNotRetriedWhenItBreaks()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            var attempts = 0;
            var error = await Failing(pool.RunInteraction(t =>
            {
                Interlocked.Increment(ref attempts);
                return 0;
            }).AddCallback(_ => pool.RunWithConnection<int>(c =>
            {
                Interlocked.Increment(ref attempts);
                c.Close();
                using var command = c.CreateCommand();
                command.CommandText = "SELECT 1";
                return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            })));
            var lost = Assert.IsType<DatabaseConnectionLostException>(error);
            Assert.Contains("not run again", lost.Message);
            Assert.Equal(2, attempts);
            await pool.Close();
        });
    }

    [Fact]
    public void ShutdownFailsQueuedWorkClearlyAndLetsRunningWorkFinish()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            // Registered after the pool's own trigger, so it runs once the pool has closed.
            var shuttingDown = new Deferred();
            reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => shuttingDown.Callback());
            using var gate = new ManualResetEventSlim();
            var running = new Deferred();
            var first = pool.RunWithConnection(c =>
            {
                reactor.CallFromThread(() => running.Callback());
                Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the gate never opened");
                using var command = c.CreateCommand();
                command.CommandText = "SELECT 7";
                return Long(command.ExecuteScalar());
            });
            var queued = Enumerable.Range(0, 3).Select(i => pool.RunQuery("SELECT @p0", i)).ToList();
            await running;
            Assert.Equal(3, pool.Waiting);
            // The before-shutdown trigger closes the pool; the loop keeps running until the first work is done.
            StopOnce(reactor);
            await shuttingDown;
            Assert.True(pool.Closed);
            foreach (var d in queued)
            {
                var error = await Failing(d);
                Assert.IsType<ConnectionPoolClosedException>(error);
                Assert.Contains("not run", error.Message);
            }
            var late = await Failing(pool.RunQuery("SELECT 1"));
            Assert.IsType<ConnectionPoolClosedException>(late);
            gate.Set();
            Assert.Equal(7L, await first);
            Assert.Same(loop, Thread.CurrentThread);
        });
    }

    [Fact]
    public void WorkWithdrawnFromTheMiddleOfTheQueueNeverRunsAndTheRestKeepsItsOrder()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            // The connection is open and idle before the work that holds it comes.
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            using var gate = new ManualResetEventSlim();
            var ran = new System.Collections.Concurrent.ConcurrentQueue<int>();
            var holder = pool.RunWithConnection(c =>
            {
                Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the gate never opened");
                return 0;
            });
            var queued = Enumerable.Range(1, 5).Select(i => pool.RunWithConnection(c =>
            {
                ran.Enqueue(i);
                return i;
            })).ToList();
            Assert.Equal(5, pool.Waiting);
            queued[1].Cancel();
            queued[3].Cancel();
            // Withdrawn work no longer counts as waiting, though the queue still holds it until it is skipped.
            Assert.Equal(3, pool.Waiting);
            Assert.IsType<CancelledException>(await Failing(queued[1]));
            Assert.IsType<CancelledException>(await Failing(queued[3]));
            // Cancelling again, or after it failed, changes nothing.
            queued[1].Cancel();
            Assert.Equal(3, pool.Waiting);
            gate.Set();
            Assert.Equal(0, await holder);
            Assert.Equal(1, await queued[0]);
            Assert.Equal(3, await queued[2]);
            Assert.Equal(5, await queued[4]);
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(new[] { 1, 3, 5 }, ran.ToArray());
            Assert.Equal(0, pool.Waiting);
            // Work queued after the withdrawn items were skipped is counted and run as ever.
            var later = pool.RunWithConnection(c => 6);
            Assert.Equal(6, await later);
            Assert.Equal(0, pool.Waiting);
            await pool.Close();
        });
    }

    [Fact]
    public void ManyTakersAndWithdrawalsRunEachWorkAtMostOnceAndAnswerEveryCaller()
    {
        // Three connections' workers and the reactor thread take from the one queue while the reactor thread
        // keeps queueing and withdrawing: each work runs at most once, a withdrawn one never answers with a
        // value, every other one answers with its own, and nothing is left counted as waiting.
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 3, max: 3);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            const int count = 3000;
            var runs = new int[count];
            var calls = new List<Deferred<int>>(count);
            var cancelled = new HashSet<int>();
            for (var i = 0; i < count; i++)
            {
                var n = i;
                calls.Add(pool.RunWithConnection(c =>
                {
                    Interlocked.Increment(ref runs[n]);
                    return n;
                }));
                if (i % 7 == 3)
                {
                    // Withdrawn while it waits, or just taken: either way the caller hears CancelledException.
                    calls[i - 2].Cancel();
                    cancelled.Add(i - 2);
                }
            }
            for (var i = 0; i < count; i++)
            {
                if (cancelled.Contains(i))
                {
                    Assert.IsType<CancelledException>(await Failing(calls[i]));
                }
                else
                {
                    Assert.Equal(i, await calls[i]);
                }
            }
            Assert.Same(loop, Thread.CurrentThread);
            Assert.All(runs, r => Assert.InRange(r, 0, 1));
            Assert.Equal(count - cancelled.Count, Enumerable.Range(0, count).Count(i => !cancelled.Contains(i) && runs[i] == 1));
            Assert.Equal(0, pool.Waiting);
            Assert.True(pool.Connections <= 3, $"{pool.Connections} connections for a pool of at most 3");
            await pool.Close();
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResultsKeptBackWhileTheNextStatementBlocksStillReachTheirCallers(bool fromASleepingLoop)
    {
        // A worker keeps results back while it runs the next statement on a busy connection (ConnectionPool.HandBack).
        // Here the statement after two quick ones blocks until both quick callers have their results: the loop
        // must take the results kept back itself, or this would wait on itself until the gate's timeout.
        // fromASleepingLoop: as on one CPU (ReactorBase.KeepsBackWhileAsleep), results are kept back even while the
        // loop sleeps, which then sleeps for at most a millisecond; the loop does not spin, so it does sleep, and
        // must wake on its own to take them.
        RunReactor(async (reactor, loop) =>
        {
            if (fromASleepingLoop)
            {
                var core = (ReactorBase)reactor;
                core.KeepsBackWhileAsleep = true;
                core.ThreadCallSpinTicksHere = 0;
            }
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            using var queued = new ManualResetEventSlim();
            using var quickOnesAnswered = new ManualResetEventSlim();
            var first = pool.RunWithConnection(c => queued.Wait(TimeSpan.FromSeconds(60)) ? 0 : -1);
            var quick = new[] { pool.RunWithConnection(c => 1), pool.RunWithConnection(c => 2) };
            var blocking = pool.RunWithConnection(c => quickOnesAnswered.Wait(TimeSpan.FromSeconds(60)) ? 3 : -3);
            var after = pool.RunWithConnection(c => 4);
            var answered = 0;
            foreach (var d in quick)
            {
                _ = d.AddCallback(v =>
                {
                    Assert.Same(loop, Thread.CurrentThread);
                    if (++answered == quick.Length)
                    {
                        quickOnesAnswered.Set();
                    }
                    return v;
                });
            }
            // Everything is queued behind the first statement, so each statement finishes with more waiting.
            queued.Set();
            Assert.Equal(0, await first);
            Assert.Equal(1, await quick[0]);
            Assert.Equal(2, await quick[1]);
            Assert.Equal(3, await blocking);
            Assert.Equal(4, await after);
            await pool.Close();
        });
    }

    [Fact]
    public void ClosingWhileConnectionsAreHandedFromWorkToWorkAnswersEveryCallerOnce()
    {
        // Blocking and async work on three connections, handed straight from work to work, when Close comes:
        // every caller hears exactly once, with its own value (it ran) or ConnectionPoolClosedException (it
        // never ran), and Close completes with nothing left running.
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 3, max: 3);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            const int count = 1500;
            var runs = new int[count];
            var outcomes = new object?[count];
            var heard = new int[count];
            var answeredSoFar = 0;
            var enough = new Deferred<Unit>();
            for (var i = 0; i < count; i++)
            {
                var n = i;
                var call = n % 3 == 0
                    ? pool.RunQueryAsync("SELECT @p0", (long)n).AddCallback(rows =>
                    {
                        Interlocked.Increment(ref runs[n]);
                        return Long(rows[0][0]);
                    })
                    : pool.RunWithConnection(c =>
                    {
                        Interlocked.Increment(ref runs[n]);
                        return (long)n;
                    });
                // Each outcome kept as it comes, failures included (so none is left unhandled).
                _ = call.AddCallbacks(v => (object?)v, f => f.Value).AddCallback(outcome =>
                {
                    outcomes[n] = outcome;
                    heard[n]++;
                    if (outcome is long && ++answeredSoFar == 100)
                    {
                        enough.Callback(Unit.Value);
                    }
                    return Unit.Value;
                });
            }
            await enough;
            await pool.Close();
            Assert.Same(loop, Thread.CurrentThread);
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(1, heard[i]);
                if (outcomes[i] is long value)
                {
                    Assert.Equal(i, value);
                    Assert.Equal(1, runs[i]);
                }
                else
                {
                    Assert.IsType<ConnectionPoolClosedException>(outcomes[i]);
                    Assert.Equal(0, runs[i]);
                }
            }
            Assert.Equal(0, pool.Waiting);
            // Nothing is left running: every worker has ended.
            Assert.Equal(0, pool.WorkerThreads);
        });
    }

    [Fact]
    public void WorkGivenFromAnotherThreadWhileTheReactorRunsIsRefusedClearly()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Exception? refused = null;
            var other = new Thread(() =>
            {
                try
                {
                    pool.RunQuery("SELECT 1");
                }
                catch (Exception e)
                {
                    refused = e;
                }
            });
            other.Start();
            Assert.True(other.Join(TimeSpan.FromSeconds(30)), "the other thread never finished");
            var error = Assert.IsType<InvalidOperationException>(refused);
            Assert.Contains("reactor thread", error.Message);
            // Nothing was queued, and the pool serves its own thread as before.
            Assert.Equal(0, pool.Waiting);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            await pool.Close();
        });
    }

    [Fact]
    public void WorkWithdrawnBeforeCloseIsNotRefusedTwiceAndTheRestIsRefused()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            // The connection is open and idle before the work that holds it comes.
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            using var gate = new ManualResetEventSlim();
            var holder = pool.RunWithConnection(c =>
            {
                Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the gate never opened");
                return 0;
            });
            var withdrawn = pool.RunQuery("SELECT 1");
            var refused = pool.RunQuery("SELECT 2");
            withdrawn.Cancel();
            Assert.Equal(1, pool.Waiting);
            var closing = pool.Close();
            Assert.Equal(0, pool.Waiting);
            Assert.IsType<CancelledException>(await Failing(withdrawn));
            Assert.IsType<ConnectionPoolClosedException>(await Failing(refused));
            gate.Set();
            Assert.Equal(0, await holder);
            await closing;
            Assert.Equal(0, pool.Waiting);
        });
    }

    [Fact]
    public void RunningWorkWhoseCallerTimesOutFinishesQuietlyAndItsConnectionServesTheNext()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            Assert.Equal(1L, Long((await pool.RunQuery("SELECT 1"))[0][0]));
            using var started = new ManualResetEventSlim();
            using var gate = new ManualResetEventSlim();
            var finished = 0;
            // Running already when its caller's timeout fires: it cannot be stopped, and its result must go
            // nowhere (firing the Deferred again would log AlreadyCalledException and skip the bookkeeping).
            var slow = pool.RunWithConnection(c =>
            {
                started.Set();
                Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the gate never opened");
                Interlocked.Increment(ref finished);
                return 1;
            });
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the work never started");
            var error = await Failing(slow.AddTimeout(0.05, reactor));
            Assert.IsType<TimeoutException>(error);
            var next = pool.RunQuery("SELECT 2");
            // A failing one too: its exception goes nowhere either.
            gate.Set();
            Assert.Equal(2L, Long((await next)[0][0]));
            Assert.Equal(1, Volatile.Read(ref finished));
            Assert.Same(loop, Thread.CurrentThread);
            using var failingGate = new ManualResetEventSlim();
            var failing = pool.RunWithConnection<int>(c =>
            {
                Assert.True(failingGate.Wait(TimeSpan.FromSeconds(60)), "the gate never opened");
                throw new InvalidOperationException("after the timeout");
            });
            Assert.IsType<TimeoutException>(await Failing(failing.AddTimeout(0.05, reactor)));
            failingGate.Set();
            // Queued behind it on the one connection, so its (ignored) end is delivered first.
            Assert.Equal(3L, Long((await pool.RunQuery("SELECT 3"))[0][0]));
            Assert.Equal(1, pool.Connections);
            await pool.Close();
        });
    }

    [Fact]
    public void AWaitBoundedByATimeoutFailsTrappablyAndTheWorkNeverRuns()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            using var gate = new ManualResetEventSlim();
            // The only connection is held by slow work: the pool is exhausted.
            var slow = pool.RunWithConnection(c =>
            {
                Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the gate never opened");
                return 1;
            });
            var waiting = pool.RunOperation($"INSERT INTO {table} (id, name) VALUES (1, 'never')").AddTimeout(0.2, reactor);
            Assert.Equal(1, pool.Waiting);
            var error = await Failing(waiting);
            Assert.IsType<TimeoutException>(error);
            Assert.Equal(0, pool.Waiting);
            gate.Set();
            Assert.Equal(1, await slow);
            Assert.Equal(0L, Long((await pool.RunQuery($"SELECT COUNT(*) FROM {table}"))[0][0]));
            await pool.Close();
        });
    }

    [Fact]
    public void AsyncQueriesRunOnAPoolWorkerOnlyWhereTheProvidersAsyncIsSynchronous()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 0, max: 1);
            Assert.Equal(Provider.TrulyAsync, pool.ProviderIsAsynchronous);
            Assert.Equal(0, pool.WorkerThreads);
            var table = NewTable();
            await pool.RunOperationAsync(Provider.CreateTable(table));
            Assert.Equal(1, await pool.RunOperationAsync($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 1, "one"));
            Assert.Equal("one", Assert.Single(await pool.RunQueryAsync($"SELECT name FROM {table} WHERE id = @p0", 1))[0]);
            Assert.Same(loop, Thread.CurrentThread);
            // SQLite's async methods would have run synchronously on a thread-pool thread: the work ran as
            // RunQuery's does, on the pool's own worker. Npgsql's wait without one: no worker was started.
            Assert.Equal(Provider.TrulyAsync ? 0 : 1, pool.WorkerThreads);
            await pool.Close();
        });
    }

    [Fact]
    public void AsyncVariantsCommitRollBackAndDeliverOnTheReactorThread()
    {
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 0, max: 2);
            var table = NewTable();
            await pool.RunOperationAsync(Provider.CreateTable(table));
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(1, await pool.RunOperationAsync($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 1, "one"));
            Assert.Same(loop, Thread.CurrentThread);
            var count = await pool.RunInteractionAsync(async t =>
            {
                await t.ExecuteAsync($"INSERT INTO {table} (id, name) VALUES (@p0, @p1)", 2, "two");
                return (await t.QueryAsync($"SELECT COUNT(*) FROM {table}"))[0][0];
            });
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(2L, Long(count));
            var error = await Failing(pool.RunInteractionAsync<int>(async t =>
            {
                await t.ExecuteAsync($"INSERT INTO {table} (id, name) VALUES (3, 'lost')");
                throw new InvalidOperationException("async gives up");
            }));
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal("async gives up", error.Message);
            var rows = await pool.RunQueryAsync($"SELECT name FROM {table} ORDER BY id");
            Assert.Same(loop, Thread.CurrentThread);
            Assert.Equal(new object?[] { "one", "two" }, rows.Select(r => r[0]));
            var sqlError = await Failing(pool.RunQueryAsync("SELEKT 1"));
            Assert.IsAssignableFrom<DbException>(sqlError);
            await pool.Close();
        });
    }

    [Fact]
    public void AStatementRunAgainIsBoundAfreshWhateverItsValuesAndAfterItFailed()
    {
        // Commands are kept per connection by their SQL (CommandCache): a rerun must bind the new values even
        // when their type changes, and a command that failed must not poison the next run.
        RunReactor(async (reactor, loop) =>
        {
            var pool = NewPool(reactor, min: 1, max: 1);
            var table = NewTable();
            await pool.RunOperation(Provider.CreateTable(table));
            var insert = $"INSERT INTO {table} (id, name) VALUES (@p0, @p1)";
            Assert.Equal(1, await pool.RunOperation(insert, 1, "one"));
            Assert.IsAssignableFrom<DbException>(await Failing(pool.RunOperation(insert, 1, "duplicate")));
            Assert.IsAssignableFrom<DbException>(await Failing(pool.RunOperation(insert, 2, null)));
            Assert.Equal(1, await pool.RunOperation(insert, 2, "two"));
            Assert.Equal(1, await pool.RunOperationAsync(insert, 3, "three"));
            var select = $"SELECT name FROM {table} WHERE id = @p0";
            Assert.Equal("two", Assert.Single(await pool.RunQuery(select, 2))[0]);
            Assert.Equal("three", Assert.Single(await pool.RunQueryAsync(select, 3))[0]);
            Assert.Empty(await pool.RunQuery(select, 4));
            // Values of another type than last time: the long and the string are bound as what they are.
            Assert.Equal("one", Assert.Single(await pool.RunQuery(select, 1L))[0]);
            var echo = Provider.Factory.GetType().Name.Contains("Npgsql") ? "SELECT CAST(@p0 AS text)" : "SELECT @p0";
            Assert.Equal("7", Assert.Single(await pool.RunQuery(echo, "7"))[0]);
            Assert.Null(Assert.Single(await pool.RunQuery(echo, (object?)null))[0]);
            Assert.Equal("x", Assert.Single(await pool.RunQuery(echo, "x"))[0]);
            // Within one interaction too, and FetchOne/FetchAll still see each statement's own rows.
            var names = await pool.RunInteraction(t =>
            {
                var first = t.Query(select, 1);
                t.Execute(select, 2);
                var second = t.FetchOne();
                return (first[0][0], second![0], t.FetchAll().Count);
            });
            Assert.Equal(("one", "two", 0), names);
            await pool.Close();
        });
    }
}
