using System.Data;
using System.Data.Common;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;

namespace Torsion.Enterprise;

/// <summary>
/// A pool of ADO.NET connections driven from the reactor (Twisted's <c>adbapi.ConnectionPool</c>).
/// Blocking work (<see cref="RunQuery"/>, <see cref="RunOperation"/>, <see cref="RunInteraction{T}"/>,
/// <see cref="RunWithConnection{T}"/>) runs on the pool's own worker threads, at most one per connection;
/// the <c>…Async</c> variants run on the provider's asynchronous API and hold no worker thread. Every
/// Deferred fires on the reactor thread. Work waits for a free connection in the order it was given.
/// The pool opens <see cref="Min"/> connections when the reactor starts and closes when it shuts down.
/// Call its methods on the reactor thread: while the reactor runs, a call from another thread throws
/// <see cref="InvalidOperationException"/> (use <c>reactor.CallFromThread</c>).
/// </summary>
public sealed class ConnectionPool
{
    private static readonly Logger Log = new("Torsion.Enterprise.ConnectionPool");

    private readonly IReactor _reactor;
    private readonly DbProviderFactory _factory;
    private readonly string _connectionString;
    private readonly WorkerPool _threads;
    // Work waiting for a connection, oldest first: the reactor thread queues, and the reactor thread or a
    // worker that finishes takes the next item for the connection it holds (TakeNext). Lock-free, because a
    // busy connection's worker takes an item per statement, and each cache line the reactor thread wrote that
    // the worker must fetch costs it about 80 ns (a lock shared with the reactor thread cost one or two, a
    // queue of slots one more; see WaitingQueue). Withdrawn and refused work stays in the queue, marked
    // dropped (QueuedWork.Drop), until a taker skips it.
    private readonly WaitingQueue _waiting = new();
    // Results a worker keeps back while it runs the next statement (HandBack); the loop takes them when idle.
    private readonly HeldThreadCalls _held = new();
    private bool _heldRegistered;
    private readonly Stack<DbConnection> _idle = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly List<Deferred> _closeWaiters = new();
    private readonly TriggerId? _startTrigger;
    private readonly TriggerId _shutdownTrigger;
    // Connections open or being opened, idle or in use: never more than Max.
    private int _connections;
    private int _running;
    private int _reconnects;
    private int _opening;
    private readonly List<Deferred> _openedWaiters = new();
    private bool _started;
    // Read by workers (TakeNext) without a lock.
    private volatile bool _closed;
    private bool _closing;
    private bool _closeDone;

    /// <summary>
    /// Creates a pool of <paramref name="min"/> to <paramref name="max"/> connections made by
    /// <paramref name="providerFactory"/> (for example <c>SqliteFactory.Instance</c> or <c>NpgsqlFactory.Instance</c>).
    /// </summary>
    /// <param name="providerFactory">The ADO.NET provider.</param>
    /// <param name="connectionString">The provider's connection string; checked here when the provider can parse it.</param>
    /// <param name="min">Connections opened when the reactor starts.</param>
    /// <param name="max">The most connections (and worker threads) open at once; more work waits in order.</param>
    /// <param name="reconnect">
    /// Twisted's <c>cp_reconnect</c>: a connection found broken is replaced, and work it broke under is run
    /// once more on a new connection if it had not started to commit.
    /// </param>
    /// <param name="reactor">The reactor to run with; <see cref="Reactors.Current"/> when null.</param>
    /// <param name="closeTimeout">
    /// Seconds that running asynchronous work may take after <see cref="Close"/> before its
    /// <see cref="AsyncTransaction.CancellationToken"/> is cancelled.
    /// </param>
    /// <exception cref="ArgumentException">The connection string is malformed; the message says what the provider rejected.</exception>
    public ConnectionPool(
        DbProviderFactory providerFactory,
        string connectionString,
        int min = 3,
        int max = 5,
        bool reconnect = true,
        IReactor? reactor = null,
        double closeTimeout = 30)
    {
        ArgumentNullException.ThrowIfNull(providerFactory);
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(min, max);
        ArgumentOutOfRangeException.ThrowIfNegative(closeTimeout);
        CheckConnectionString(providerFactory, connectionString);
        _factory = providerFactory;
        _connectionString = connectionString;
        Min = min;
        Max = max;
        Reconnect = reconnect;
        CloseTimeout = closeTimeout;
        ProviderIsAsynchronous = ProviderAsync.IsAsynchronous(providerFactory);
        _reactor = reactor ?? Reactors.Current;
        // One thread per connection: blocking work never waits for a thread while holding a connection.
        _threads = new WorkerPool(max, "torsion-dbpool");
        _startTrigger = _reactor.CallWhenRunning(Start);
        _shutdownTrigger = _reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => (Deferred?)CloseCore(fromShutdown: true));
    }

    /// <summary>The connections opened when the reactor starts.</summary>
    public int Min { get; }

    /// <summary>The most connections open at once.</summary>
    public int Max { get; }

    /// <summary>Whether broken connections are replaced and the work they broke retried once (Twisted's <c>cp_reconnect</c>).</summary>
    public bool Reconnect { get; }

    /// <summary>Seconds running asynchronous work may take after <see cref="Close"/> before it is cancelled.</summary>
    public double CloseTimeout { get; }

    /// <summary>
    /// Whether the provider's asynchronous methods wait for the database without a thread (Npgsql's do). When
    /// they only run the synchronous ones (Microsoft.Data.Sqlite's, or a provider that keeps
    /// <see cref="DbCommand"/>'s defaults), <see cref="RunQueryAsync"/> and <see cref="RunOperationAsync"/> run
    /// as <see cref="RunQuery"/> and <see cref="RunOperation"/> do, on the pool's worker: a trip through the
    /// thread pool and a task per step would hold a thread all the same, only later and at a higher cost.
    /// </summary>
    public bool ProviderIsAsynchronous { get; }

    /// <summary>True once <see cref="Close"/> was called or the reactor began shutting down.</summary>
    public bool Closed => _closed;

    /// <summary>Work waiting for a connection.</summary>
    public int Waiting => _waiting.CountWaiting();

    /// <summary>Connections open or being opened, idle or in use.</summary>
    public int Connections => _connections;

    /// <summary>Broken connections replaced so far (any thread may read it).</summary>
    internal int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>The pool's worker threads alive now.</summary>
    internal int WorkerThreads => _threads.ThreadCount;

    /// <summary>The pool's worker threads, for the work items.</summary>
    internal WorkerPool Workers => _threads;

    /// <summary>The reactor whose thread the pool's Deferreds fire on.</summary>
    internal IReactor Reactor => _reactor;

    /// <summary>Fires once the pool started and the connections it opens at start are open (or failed).</summary>
    internal Deferred WhenOpened()
    {
        var d = new Deferred();
        if (_started && _opening == 0)
        {
            d.Callback();
        }
        else
        {
            _openedWaiters.Add(d);
        }
        return d;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> in a transaction and returns its rows (adbapi's <c>runQuery</c>).
    /// Positional <paramref name="parameters"/> are <c>@p0</c>, <c>@p1</c>, … in the SQL.
    /// </summary>
    public Deferred<IReadOnlyList<object?[]>> RunQuery(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return Submit(new QueryWork(this, sql, parameters));
    }

    /// <summary>Runs <paramref name="sql"/> in a transaction and returns the number of rows it changed (adbapi's <c>runOperation</c>).</summary>
    public Deferred<int> RunOperation(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return Submit(new OperationWork(this, sql, parameters));
    }

    /// <summary>
    /// Runs <paramref name="interaction"/> on a worker thread with a <see cref="Transaction"/> (adbapi's
    /// <c>runInteraction</c>): committed when it returns, rolled back when it throws (the Deferred then
    /// fails with its exception).
    /// </summary>
    public Deferred<T> RunInteraction<T>(Func<Transaction, T> interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        return Submit(new InteractionWork<T>(this, interaction));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker thread with a bare pooled connection and no transaction
    /// (adbapi's <c>runWithConnection</c>). It is never retried: it may have committed anything.
    /// </summary>
    public Deferred<T> RunWithConnection<T>(Func<DbConnection, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Submit(new ConnectionWork<T>(this, work));
    }

    /// <summary>
    /// <see cref="RunQuery"/> on the provider's asynchronous API, holding no worker thread; on a provider whose
    /// asynchronous API is synchronous (<see cref="ProviderIsAsynchronous"/>), <see cref="RunQuery"/> itself.
    /// </summary>
    public Deferred<IReadOnlyList<object?[]>> RunQueryAsync(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return ProviderIsAsynchronous ? Submit(new AsyncQueryWork(this, sql, parameters)) : Submit(new QueryWork(this, sql, parameters));
    }

    /// <summary>
    /// <see cref="RunOperation"/> on the provider's asynchronous API, holding no worker thread; on a provider whose
    /// asynchronous API is synchronous (<see cref="ProviderIsAsynchronous"/>), <see cref="RunOperation"/> itself.
    /// </summary>
    public Deferred<int> RunOperationAsync(string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return ProviderIsAsynchronous ? Submit(new AsyncOperationWork(this, sql, parameters)) : Submit(new OperationWork(this, sql, parameters));
    }

    /// <summary>
    /// Runs <paramref name="interaction"/> with an <see cref="AsyncTransaction"/> on the provider's
    /// asynchronous API: committed when its task completes, rolled back when it fails. It starts on a .NET
    /// thread-pool thread (so a provider that is only nominally asynchronous cannot block the reactor) and
    /// holds no thread while the database works; the Deferred fires on the reactor thread.
    /// </summary>
    public Deferred<T> RunInteractionAsync<T>(Func<AsyncTransaction, Task<T>> interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        return Submit(new AsyncInteractionWork<T>(this, interaction));
    }

    /// <summary>
    /// Closes the pool (adbapi's <c>close</c>; the reactor's shutdown does it too): work still waiting fails
    /// with <see cref="ConnectionPoolClosedException"/>, later work is refused the same way, running work
    /// finishes, then the connections and worker threads are closed and the Deferred fires.
    /// </summary>
    public Deferred Close() => CloseCore(fromShutdown: false);

    private Deferred CloseCore(bool fromShutdown)
    {
        if (_closeDone)
        {
            return Deferred.Succeed();
        }
        var done = new Deferred();
        _closeWaiters.Add(done);
        if (_closed)
        {
            return done;
        }
        // Set first: a worker checks it before it takes an item, so from here on only work a worker took a
        // moment ago can still start (it runs, as work already running does); the rest is refused below.
        _closed = true;
        var refused = new List<QueuedWork>();
        while (_waiting.TryDequeue() is { } waiting)
        {
            // Out of the queue by this thread's hand, so no worker takes it now.
            if (waiting.TryTake())
            {
                waiting.Drop();
                refused.Add(waiting);
            }
        }
        if (_startTrigger is { } start && !_started)
        {
            _reactor.RemoveSystemEventTrigger(start);
        }
        if (!fromShutdown)
        {
            _reactor.RemoveSystemEventTrigger(_shutdownTrigger);
        }
        foreach (var work in refused)
        {
            work.Fail(new ConnectionPoolClosedException(
                "The connection pool was closed before this work got a connection; it was not run."));
        }
        if (_running > 0 && CloseTimeout > 0)
        {
            _reactor.CallLater(CloseTimeout, () =>
            {
                if (!_closeDone)
                {
                    _aborting.Cancel();
                }
            });
        }
        else if (_running > 0)
        {
            _aborting.Cancel();
        }
        FinishCloseIfIdle();
        return done;
    }

    /// <summary>Once no work runs after <see cref="Close"/>: closes the idle connections on a worker, then the workers.</summary>
    private void FinishCloseIfIdle()
    {
        if (!_closed || _running > 0 || _closeDone || _closing)
        {
            return;
        }
        // Marked now so a second call while the connections close does not start another round.
        _closing = true;
        var idle = _idle.ToArray();
        _idle.Clear();
        _connections = 0;
        Deferred closing;
        if (idle.Length == 0)
        {
            closing = Deferred.Succeed();
        }
        else
        {
            // Closing a connection is I/O (a goodbye to the server): not on the reactor thread.
            closing = _threads.Defer(_reactor, () =>
            {
                foreach (var connection in idle)
                {
                    Discard(connection);
                }
                return Unit.Value;
            }).AddCallback(_ => { });
        }
        closing.AddBoth(() =>
        {
            _threads.Stop();
            if (_heldRegistered)
            {
                // Nothing is held: every worker handed all it held over with the last result of its run.
                ((ReactorBase)_reactor).RemoveHeldCalls(_held);
                _heldRegistered = false;
            }
            _closeDone = true;
            foreach (var waiter in _closeWaiters)
            {
                waiter.Callback();
            }
            _closeWaiters.Clear();
        });
    }

    private void Start()
    {
        if (_closed || _started)
        {
            return;
        }
        _started = true;
        if (_reactor is ReactorBase loop)
        {
            loop.AddHeldCalls(_held);
            _heldRegistered = true;
        }
        for (var i = 0; i < Min; i++)
        {
            OpenOne();
        }
        if (_opening == 0)
        {
            ReleaseOpenedWaiters();
        }
        Pump();
    }

    private void ReleaseOpenedWaiters()
    {
        var waiters = _openedWaiters.ToArray();
        _openedWaiters.Clear();
        foreach (var waiter in waiters)
        {
            waiter.Callback();
        }
    }

    /// <summary>Opens a connection ahead of need (the <see cref="Min"/> at start).</summary>
    private void OpenOne()
    {
        _connections++;
        _running++;
        _opening++;
        _threads.Defer(_reactor, () => Open()).AddBoth(outcome =>
        {
            if (outcome.Succeeded)
            {
                _idle.Push(outcome.Value);
            }
            else
            {
                // Work will try again as it comes; the reason is worth a line in the log now.
                _connections--;
                Log.Failure("The connection pool could not open a connection at start", outcome.Failure!, LogLevel.Error);
            }
            _running--;
            if (--_opening == 0)
            {
                ReleaseOpenedWaiters();
            }
            Pump();
            FinishCloseIfIdle();
            return Unit.Value;
        });
    }

    /// <summary>Hands waiting work, oldest first, to idle connections or to connections still allowed.</summary>
    private void Pump()
    {
        while (_started && !_closed && (_idle.Count > 0 || _connections < Max))
        {
            if (TakeWaiting() is not { } work)
            {
                return;
            }
            DbConnection? connection = null;
            if (_idle.Count > 0)
            {
                connection = _idle.Pop();
            }
            else
            {
                _connections++;
            }
            _running++;
            work.Start(connection);
        }
    }

    /// <summary>
    /// Work is over (reactor thread): its connection is kept (or a discarded one forgotten) and handed to
    /// the next waiting work before the caller hears the result, so the caller finds the connection free.
    /// </summary>
    internal void Finish<T>(DbConnection? connection, Deferred<T> d, T value, Exception? error)
    {
        _running--;
        if (connection is null)
        {
            _connections--;
        }
        else
        {
            _idle.Push(connection);
        }
        Pump();
        Deliver(d, value, error);
        FinishCloseIfIdle();
    }

    /// <summary>
    /// Work is over (reactor thread) and its thread already gave its connection to the next waiting work
    /// (<see cref="TakeNext"/>): nothing to keep or hand on, only the caller to tell.
    /// </summary>
    internal void FinishHandedOver<T>(Deferred<T> d, T value, Exception? error)
    {
        Deliver(d, value, error);
        FinishCloseIfIdle();
    }

    /// <summary>
    /// From the thread that just finished work on a healthy connection: the oldest waiting work, marked
    /// started, to run on that same connection, or null (none waits, or the pool is closed). Handing the
    /// connection on here, instead of through the reactor thread, keeps a busy connection busy: the next
    /// statement starts while the reactor is still delivering the last result, not one round trip later.
    /// Work still starts oldest first, as the reactor thread would start it.
    /// </summary>
    internal QueuedWork? TakeNext() => _closed ? null : TakeWaiting();

    /// <summary>
    /// From the thread that finished <paramref name="work"/>: hands its result to the loop. Handing a result
    /// over costs the worker a cache line the loop has read (the queue's link, about 80 ns on the development
    /// VM, some 3% of a 2.3 µs SQLite select before the stalls it adds); so while this thread goes straight on
    /// to the next statement on the connection and more work waits behind that (<paramref name="mayKeepBack"/>), up to
    /// <see cref="MaxKeptBack"/> results are kept back and handed over together. Nothing is kept from a loop
    /// that could use it: a loop that runs out of work takes what is kept (ReactorBase.AddHeldCalls), and one
    /// that is busy takes it at least every 10 µs, so a slow next statement cannot hold results back. A sleeping
    /// loop is woken for them, unless its sleep is bounded (ReactorBase.KeepsBackWhileAsleep, by default on one
    /// CPU): then a slow next statement holds them back for at most that bound, a millisecond.
    /// </summary>
    internal void HandBack(ReactorBase loop, QueuedWork work, bool mayKeepBack)
    {
        if (mayKeepBack && t_keptBack < MaxKeptBack - 1)
        {
            t_keptBack = _held.Push(work) ? 1 : t_keptBack + 1;
            // Kept while the loop is awake (it looks for kept results before it sleeps), and while it sleeps for
            // at most a millisecond (on one CPU, where waking it would take the CPU before the next statement).
            if (!loop.WakeUpNeeded || loop.HeldCallsMayWait)
            {
                return;
            }
            // The loop looked for kept results just before the push and is going to sleep: everything goes now.
            t_keptBack = 0;
            if (_held.TakeAll(out var keptLast) is { } keptFirst)
            {
                loop.CallFromThread(keptFirst, keptLast!);
            }
            return;
        }
        t_keptBack = 0;
        if (_held.TakeAll(out var last) is { } first)
        {
            last!.NextCall = work;
            loop.CallFromThread(first, work);
        }
        else
        {
            loop.CallFromThread(work);
        }
    }

    /// <summary>The most results a worker keeps back before it hands them over, the one it just made included.</summary>
    private const int MaxKeptBack = 4;

    // Results this thread pushed since it last handed all over (an upper bound: the loop may have taken them).
    [ThreadStatic]
    private static int t_keptBack;

    /// <summary>The oldest waiting work, taken to run (dropped work skipped), or null.</summary>
    private QueuedWork? TakeWaiting()
    {
        while (_waiting.TryDequeue() is { } work)
        {
            if (work.TryTake())
            {
                return work;
            }
        }
        return null;
    }

    private Deferred<T> Submit<T>(PoolWork<T> queued)
    {
        Enqueue(queued);
        return queued.Deferred;
    }

    /// <summary>Queues work for a connection, or refuses it when the pool is closed.</summary>
    private void Enqueue(QueuedWork work)
    {
        // The queue has one producer, the reactor thread (WaitingQueue), and the rest of the pool's state is the
        // reactor thread's too: a call from another thread while the loop runs would corrupt them silently.
        if (_reactor is ReactorBase { Running: true, IsInLoopThread: false })
        {
            throw new InvalidOperationException(
                "ConnectionPool methods must be called on the reactor thread; from another thread, use reactor.CallFromThread.");
        }
        if (_closed)
        {
            // Dropped first, so cancelling its Deferred later finds nothing to withdraw.
            work.Drop();
            work.Fail(new ConnectionPoolClosedException());
            return;
        }
        _waiting.Enqueue(work);
        Pump();
    }

    /// <summary>
    /// The canceller of a pool Deferred: work still waiting leaves the queue and never runs (the Deferred
    /// fails with CancelledException, so <c>AddTimeout</c> bounds the wait for a connection); running
    /// work cannot be stopped, and its result is ignored.
    /// </summary>
    internal void Withdraw(QueuedWork work)
    {
        // Left in the queue, marked; whoever dequeues it skips it. O(1), where rebuilding the queue made a
        // burst of timeouts quadratic. Work already taken runs on; its result is ignored (Deliver).
        work.Drop();
    }

    private static void Deliver<T>(Deferred<T> d, T value, Exception? error)
    {
        if (d.Called)
        {
            // Cancelled while it ran (a timeout, say): the work could not be stopped, and the caller has had
            // its CancelledException; the result goes nowhere. Firing again would throw AlreadyCalledException
            // on the reactor thread, before the connection's bookkeeping was done.
            return;
        }
        if (error is null)
        {
            d.Callback(value);
        }
        else
        {
            d.Errback(error);
        }
    }

    /// <summary>On a worker thread: opens the connection if needed, runs the work, and applies the reconnect rule.</summary>
    internal WorkResult<T> RunBlocking<T>(DbConnection? connection, BlockingWork<T> work)
    {
        // A flag the work clears, not an Attempt object: one allocation fewer per statement on the worker.
        var mayRetry = true;
        var retried = false;
        while (true)
        {
            try
            {
                connection = EnsureOpen(connection);
            }
            catch (Exception e)
            {
                return new WorkResult<T>(default!, e, null);
            }
            try
            {
                return new WorkResult<T>(work.Execute(connection, ref mayRetry), null, connection);
            }
            catch (Exception e)
            {
                if (!IsBroken(connection, e))
                {
                    return new WorkResult<T>(default!, e, connection);
                }
                Discard(connection);
                connection = null;
                Interlocked.Increment(ref _reconnects);
                if (Reconnect && mayRetry && !retried)
                {
                    retried = true;
                    continue;
                }
                return new WorkResult<T>(default!, Lost(e, retried, mayRetry), null);
            }
        }
    }

    /// <summary>
    /// The asynchronous form of <see cref="RunBlocking{T}"/>; it never throws. A ValueTask, as are the steps
    /// below it, so work the provider finishes without waiting (SQLite's) allocates no task on the way.
    /// </summary>
    internal async ValueTask<WorkResult<T>> RunNonBlocking<T>(DbConnection? connection, AsyncWork<T> work)
    {
        var token = _aborting.Token;
        var attempt = new Attempt();
        var retried = false;
        while (true)
        {
            try
            {
                connection = await EnsureOpenAsync(connection, token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                return new WorkResult<T>(default!, e, null);
            }
            try
            {
                return new WorkResult<T>(await work.ExecuteAsync(connection, attempt, token).ConfigureAwait(false), null, connection);
            }
            catch (Exception e)
            {
                if (!await IsBrokenAsync(connection, e).ConfigureAwait(false))
                {
                    return new WorkResult<T>(default!, e, connection);
                }
                await DiscardAsync(connection).ConfigureAwait(false);
                connection = null;
                Interlocked.Increment(ref _reconnects);
                if (Reconnect && attempt.MayRetry && !retried && !token.IsCancellationRequested)
                {
                    retried = true;
                    attempt = new Attempt();
                    continue;
                }
                return new WorkResult<T>(default!, Lost(e, retried, attempt.MayRetry), null);
            }
        }
    }

    private DatabaseConnectionLostException Lost(Exception error, bool retried, bool mayRetry)
    {
        var why = retried ? "it broke again on the reopened connection"
            : !Reconnect ? "the pool does not reconnect"
            : mayRetry ? "the pool is closing"
            : "the work may have committed (its commit had started, or it ran on a bare connection), so it was not run again";
        return new DatabaseConnectionLostException(
            $"The database connection broke under the work and {why}: {error.Message}", error);
    }

    private DbConnection Open()
    {
        var connection = _factory.CreateConnection()
            ?? throw new InvalidOperationException($"{_factory.GetType().Name} made no connection.");
        try
        {
            connection.ConnectionString = _connectionString;
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken token)
    {
        var connection = _factory.CreateConnection()
            ?? throw new InvalidOperationException($"{_factory.GetType().Name} made no connection.");
        try
        {
            connection.ConnectionString = _connectionString;
            await connection.OpenAsync(token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The connection if it is open; otherwise (closed by the server or by user code) a new one.</summary>
    private DbConnection EnsureOpen(DbConnection? connection)
    {
        if (connection is { State: ConnectionState.Open })
        {
            return connection;
        }
        if (connection is not null)
        {
            Discard(connection);
            Interlocked.Increment(ref _reconnects);
        }
        return Open();
    }

    private ValueTask<DbConnection> EnsureOpenAsync(DbConnection? connection, CancellationToken token) =>
        connection is { State: ConnectionState.Open } ? new(connection) : new(ReopenAsync(connection, token));

    private async Task<DbConnection> ReopenAsync(DbConnection? connection, CancellationToken token)
    {
        if (connection is not null)
        {
            await DiscardAsync(connection).ConfigureAwait(false);
            Interlocked.Increment(ref _reconnects);
        }
        return await OpenAsync(token).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="error"/> left <paramref name="connection"/> unusable: it is no longer open, or
    /// after a provider error it cannot answer <c>SELECT 1</c> (Twisted's <c>cp_good_sql</c> check).
    /// </summary>
    private static bool IsBroken(DbConnection connection, Exception error)
    {
        if (connection.State != ConnectionState.Open)
        {
            return true;
        }
        if (error is not DbException)
        {
            return false;
        }
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.ExecuteScalar();
            return false;
        }
        catch (Exception)
        {
            return true;
        }
    }

    private static async Task<bool> IsBrokenAsync(DbConnection connection, Exception error)
    {
        if (connection.State != ConnectionState.Open)
        {
            return true;
        }
        if (error is not DbException)
        {
            return false;
        }
        try
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync().ConfigureAwait(false);
                return false;
            }
        }
        catch (Exception)
        {
            return true;
        }
    }

    /// <summary>Closes a connection we no longer trust; its own errors are of no interest (it is broken or going away).</summary>
    private static void Discard(DbConnection connection)
    {
        try
        {
            connection.Dispose();
        }
        catch (Exception)
        {
            // A broken connection may fail to say goodbye; it is gone either way.
        }
    }

    private static async Task DiscardAsync(DbConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As in Discard.
        }
    }

    internal static void TryRollback(DbTransaction transaction)
    {
        try
        {
            transaction.Rollback();
        }
        catch (Exception)
        {
            // The interaction's own exception is the one the caller needs; a rollback that fails means a
            // broken connection, which IsBroken detects next.
        }
    }

    internal static async Task TryRollbackAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As in TryRollback.
        }
    }

    /// <summary>Throws a clear <see cref="ArgumentException"/> when the provider rejects the connection string.</summary>
    private static void CheckConnectionString(DbProviderFactory factory, string connectionString)
    {
        var builder = factory.CreateConnectionStringBuilder();
        if (builder is null)
        {
            return;
        }
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            throw new ArgumentException(
                $"The connection string is malformed for {factory.GetType().Name}: {e.Message}", nameof(connectionString), e);
        }
    }
}
