using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Torsion.Defer;
using Torsion.Logging;

namespace Torsion.Internet;

/// <summary>
/// What every backend shares (Twisted's <c>ReactorBase</c>): the run/stop state machine, system event
/// triggers, timers, the thread-safe call queue, the thread pool, the loop thread's
/// <see cref="SynchronizationContext"/> and signal handling. A backend supplies
/// <see cref="DoIteration"/> (wait for I/O and dispatch it), <see cref="WakeUp"/>,
/// <see cref="DisconnectAll"/> and the factories of its transports (docs/architecture.md, "Adding a backend").
/// </summary>
/// <remarks>
/// Not an extension point: the backends are Torsion's own (one folder each, see docs/architecture.md,
/// "Adding a backend"), and the contract between a backend and this class changes with them. User code
/// sees a reactor through the <c>IReactor*</c> interfaces; a test double implements those
/// (<c>Torsion.Testing.MemoryReactor</c>). The type stays public for what every backend offers beyond
/// the interfaces, such as <see cref="OpenConnections"/>.
/// </remarks>
public abstract class ReactorBase : IReactor, IReactorSsl, IDisposable, ILoopThreadOwner
{
    private readonly TimerQueue _timers;
    private readonly ConcurrentQueue<Action> _threadCalls = new();
    // Calls that carry themselves (CallFromThread(ThreadCall)): the connection pool's results.
    private readonly ThreadCallQueue _selfCalls = new();
    private readonly Queue<ILoopCallback> _soon = new();
    private readonly Dictionary<string, SystemEventTriggers> _triggers = new();
    private readonly TimeProvider _time;
    private readonly long _epoch;
    // Read by the metrics collector on another thread (ThreadPoolQueueSnapshot), hence Volatile reads there.
    private ReactorThreadPool? _pool;
    private int _poolSize = 10;
    // Read by every thread that calls CallFromThread: on a line of its own, away from the loop's busy fields.
    private PaddedFlag _wakeRequested;
    // Self-carrying thread calls run per pass at most (see RunUntilCurrent).
    private const int MaxSelfCallsPerPass = 1024;
    // Stacks of calls workers keep back (AddHeldCalls), and when the loop last took from them (Stopwatch ticks).
    private readonly List<HeldThreadCalls> _heldCalls = new();
    private long _heldCallsTakenAt;
    // True from just before the loop readies itself to sleep for at most HeldCallSleepMs (see HeldCallsMayWait).
    private volatile bool _sleepBounded;
    // Results worker threads are about to hand back through CallFromThread (BeginAwaitingThreadCall), and
    // when one was last awaited or arrived (Stopwatch ticks): the loop spins only that long after it.
    private int _awaitedThreadCalls;
    private long _lastThreadCallActivity;
    private volatile bool _spinning;
    private long _wakeUpsWritten;
    private int _spins;
    private Thread? _loopThread;
    private long _triggerSequence;
    private bool _started;
    private bool _stopped = true;
    private bool _startedBefore;
    private bool _disposed;

    /// <summary>Creates the shared state; <paramref name="time"/> is the clock (the system's monotonic clock by default).</summary>
    private protected ReactorBase(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _epoch = _time.GetTimestamp();
        // Set logging up now, while descriptors are plentiful: the first error may well be
        // "out of descriptors", and the log's stderr writer cannot be opened then.
        _ = Log.Namespace;
        _timers = new TimerQueue(Seconds);
        // As in Twisted, the reactor's own shutdown work is ordinary "during shutdown" triggers,
        // so user "before" triggers (which may return Deferreds) always run first.
        AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Startup, ReallyStartRunning);
        AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, Crash);
        AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, DisconnectAll);
        AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, StopThreadPool);
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public bool Running { get; private set; }

    /// <summary>The signal that stopped the reactor (SIGINT = 2, SIGTERM = 15), or null.</summary>
    public int? ReceivedSignal { get; private set; }

    /// <inheritdoc />
    IReactor ILoopThreadOwner.CallingLoop => this;

    /// <summary>
    /// How many stream connections (TCP, Unix, TLS over either) are open on this reactor right now,
    /// server and client side alike. Read it on the loop thread; <c>torsiond</c> waits for it to reach
    /// zero, for a bounded time, before it drops what is left at shutdown.
    /// </summary>
    public int OpenConnections => _openConnections;

    // Written only on the loop thread; other threads (a ReactorGroup summing its loops) read it with
    // a volatile read, which an int cannot tear.
    private int _openConnections;

    /// <summary><see cref="OpenConnections"/> read from any thread: a snapshot, possibly already stale.</summary>
    internal int OpenConnectionsSnapshot => Volatile.Read(ref _openConnections);

    /// <summary>A stream connection started: counted until <see cref="ConnectionClosed"/>.</summary>
    internal void ConnectionOpened() => _openConnections++;

    /// <summary>A counted stream connection is gone.</summary>
    internal void ConnectionClosed() => _openConnections--;

    // ---- metrics (docs/metrics.md) ---------------------------------------------------------------

    /// <summary>Running totals the <c>Torsion</c> meter reads; the loop adds to them with plain adds.</summary>
    internal ReactorCounters Counters { get; } = new();

    /// <summary>The loop's index when this reactor is one loop of a <see cref="ReactorGroup"/>, tagged on its metrics.</summary>
    internal int? LoopIndex { get; set; }

    /// <summary>The tags on this reactor's measurements: its backend, and its loop index in a group.</summary>
    internal KeyValuePair<string, object?>[] MetricTags => _metricTags ??= LoopIndex is { } index
        ? [new(ReactorMetrics.BackendTag, Name), new(ReactorMetrics.LoopTag, index)]
        : [new(ReactorMetrics.BackendTag, Name)];

    private KeyValuePair<string, object?>[]? _metricTags;

    // When the current pass's wait returned (a Stopwatch timestamp), or 0 when the pass is not timed:
    // only while a listener has enabled the pass-duration histogram.
    private long _passStart;

    /// <summary>Delayed calls pending, read from any thread: a snapshot.</summary>
    internal int TimersPendingSnapshot => _timers.Count;

    /// <summary>Work queued on this reactor's thread pool, read from any thread: a snapshot (0 before the pool exists).</summary>
    internal int ThreadPoolQueueSnapshot => Volatile.Read(ref _pool)?.QueueLength ?? 0;

    /// <summary>
    /// A backend calls this as its wait for I/O returns: the pass being timed for
    /// <see cref="ReactorMetrics.LoopPassDuration"/> starts here and ends before the next wait.
    /// </summary>
    private protected void WaitReturned()
    {
        if (ReactorInstruments.PassDuration.Enabled)
        {
            _passStart = Stopwatch.GetTimestamp();
        }
    }

    private void RecordPass()
    {
        var start = _passStart;
        _passStart = 0;
        if (!ReactorInstruments.Reports(this))
        {
            return;
        }
        ReactorInstruments.PassDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, MetricTags);
    }

    /// <summary>True on the thread running the loop; false everywhere before the loop starts.</summary>
    public bool IsInLoopThread => _loopThread == Thread.CurrentThread;

    private static readonly Logger Log = new("Torsion.Internet.Reactor");

    /// <summary>Where errors from callbacks the reactor runs are reported.</summary>
    internal static Action<string, Exception> ErrorSink = static (what, e) =>
        Log.Failure("{what}", e, Torsion.Logging.LogLevel.Error, ("what", what));


    /// <summary>Reports an exception thrown by a callback the reactor ran; the loop goes on.</summary>
    protected internal static void LogError(string what, Exception e)
    {
        try
        {
            ErrorSink(what, e);
        }
        catch (Exception logging)
        {
            // Reporting an error must never take the loop down with a second one.
            try
            {
                Console.Error.WriteLine($"{what}: {e.Message} (and logging failed: {logging.Message})");
            }
            catch (IOException)
            {
            }
        }
    }

    // ---- time ---------------------------------------------------------------------------------

    /// <inheritdoc />
    public double Seconds() => _time.GetElapsedTime(_epoch).TotalSeconds;

    /// <inheritdoc />
    public IDelayedCall CallLater(double delay, Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        return _timers.Schedule(delay, callable);
    }

    /// <inheritdoc />
    public IReadOnlyList<IDelayedCall> GetDelayedCalls() => _timers.GetDelayedCalls();

    // ---- threads ------------------------------------------------------------------------------

    /// <inheritdoc />
    public void CallFromThread(Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        _threadCalls.Enqueue(callable);
        // The flag is set while the loop is awake and cleared only just before it sleeps (ReadyToSleep,
        // which then looks at the queue once more), so a call needs a wake-up only when the loop sleeps or
        // is about to, and at most one is written per sleep however many threads call. From the loop
        // thread itself none is needed: the loop never sleeps while the queue has entries. The plain read
        // first: while the loop is awake the flag stays set, and a read keeps the line shared where the
        // exchange would pull it from the loop's core on every call. The enqueue's interlocked operation
        // orders it before the read, as the exchange did.
        if (_loopThread != Thread.CurrentThread)
        {
            WakeIfAsleep();
        }
    }

    /// <summary>
    /// <see cref="CallFromThread(Action)"/> for a call that carries itself through the loop's queue (no delegate,
    /// no queue slot; see <see cref="ThreadCallQueue"/>), for a result a worker thread hands back on every
    /// statement. Any thread; a call is queued once.
    /// </summary>
    internal void CallFromThread(ThreadCall call)
    {
        _selfCalls.Enqueue(call);
        WakeIfAsleep();
    }

    /// <summary>
    /// After a call was queued (the queue's interlocked operation orders it before the read): wakes the loop if it
    /// sleeps or is about to. Self-carrying calls skip CallFromThread(Action)'s loop-thread test: from the loop
    /// the flag is set (the loop is awake), so no wake-up is written, and the test would read one more line.
    /// </summary>
    private void WakeIfAsleep()
    {
        if (Volatile.Read(ref _wakeRequested.Value) == 0 && Interlocked.Exchange(ref _wakeRequested.Value, 1) == 0)
        {
            Interlocked.Increment(ref _wakeUpsWritten);
            WakeUp();
        }
    }

    /// <summary>
    /// <see cref="CallFromThread(ThreadCall)"/> for calls linked from <paramref name="first"/> to
    /// <paramref name="last"/> through <see cref="ThreadCall.NextCall"/>: queued in that order with one swap.
    /// </summary>
    internal void CallFromThread(ThreadCall first, ThreadCall last)
    {
        _selfCalls.EnqueueChain(first, last);
        WakeIfAsleep();
    }

    /// <summary>
    /// The longest a held call waits for the loop (<see cref="AddHeldCalls"/>) while the loop has other work:
    /// 10 µs. An idle loop takes held calls before it spins on or sleeps.
    /// </summary>
    internal static readonly TimeSpan HeldCallWait = TimeSpan.FromMicroseconds(10);

    private static readonly long HeldCallWaitTicks = (long)(HeldCallWait.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

    /// <summary>
    /// Lets workers keep calls back in <paramref name="held"/> instead of queueing each at once: the loop takes
    /// them itself before it sleeps, while it spins for thread calls, and at least every
    /// <see cref="HeldCallWait"/> while it is busy, so a call is never kept back longer than that from a loop
    /// that could run it. A worker that keeps a call back must read <see cref="WakeUpNeeded"/> after its push
    /// and hand everything over itself when it is true (the loop may have looked just before the push).
    /// Reactor thread, or before the reactor runs.
    /// </summary>
    internal void AddHeldCalls(HeldThreadCalls held) => _heldCalls.Add(held);

    /// <summary>
    /// The longest the loop sleeps, with nothing else to do, while results are awaited and workers may keep
    /// calls back from it (<see cref="KeepsBackWhileAsleep"/>): 1 ms, the shortest wait every backend has.
    /// </summary>
    internal const int HeldCallSleepMs = 1;

    /// <summary>
    /// Whether workers may keep calls back while this loop sleeps, because its sleep is then bounded by
    /// <see cref="HeldCallSleepMs"/> (<see cref="HeldCallsMayWait"/>). By default only in a process with one
    /// processor: there a woken loop takes the only CPU from the worker that woke it before the worker can
    /// start its next statement, so a wake-up per result puts the loop's whole pass on the worker's path, where
    /// with two or more the loop runs beside the worker. Tests set it. Reactor thread, or before it runs.
    /// </summary>
    internal bool KeepsBackWhileAsleep { get; set; } = Environment.ProcessorCount == 1;

    /// <summary>
    /// True when the loop, though asleep (<see cref="WakeUpNeeded"/>), will look at held calls within
    /// <see cref="HeldCallSleepMs"/>: a worker that finds it so may keep its call back instead of waking the loop.
    /// Read it after <see cref="WakeUpNeeded"/>: the loop writes it before it clears the wake-up flag.
    /// </summary>
    internal bool HeldCallsMayWait => _sleepBounded;

    /// <summary>Stops looking at <paramref name="held"/> (nothing may be held in it any more). Reactor thread.</summary>
    internal void RemoveHeldCalls(HeldThreadCalls held) => _heldCalls.Remove(held);

    /// <summary>Queues every held call for this pass or the next; true when there was any. Reactor thread.</summary>
    private bool TakeHeldCalls()
    {
        var took = false;
        foreach (var held in _heldCalls)
        {
            if (held.TakeAll(out var last) is { } first)
            {
                _selfCalls.EnqueueChain(first, last!);
                took = true;
            }
        }
        return took;
    }

    /// <summary>
    /// <see cref="TakeHeldCalls"/> when <see cref="HeldCallWait"/> has passed since the loop last took them (at
    /// <paramref name="now"/>, Stopwatch ticks); true when there was any. Reactor thread.
    /// </summary>
    private bool TakeHeldCallsIfDue(long now)
    {
        if (now - _heldCallsTakenAt < HeldCallWaitTicks)
        {
            return false;
        }
        _heldCallsTakenAt = now;
        return TakeHeldCalls();
    }

    /// <summary>True when a thread call can run now (either queue); reads no line a calling thread writes but the link it wrote.</summary>
    private bool ThreadCallsReady => !_threadCalls.IsEmpty || _selfCalls.HasReady;

    /// <inheritdoc />
    public void CallInThread(Action callable) => GetThreadPool().CallInThread(callable);

    /// <inheritdoc />
    public void SuggestThreadPoolSize(int size)
    {
        _poolSize = size;
        _pool?.AdjustPoolSize(size);
    }

    /// <inheritdoc />
    public ReactorThreadPool GetThreadPool() => _pool ??= new ReactorThreadPool(_poolSize, $"torsion-{Name}-pool") { Owner = this };

    private void StopThreadPool()
    {
        var pool = _pool;
        _pool = null;
        pool?.Stop();
    }

    /// <summary>Wakes the loop from its wait; called from any thread.</summary>
    protected abstract void WakeUp();

    /// <summary>Queues <paramref name="callback"/> to run on the loop before the next wait (loop thread only, no allocation).</summary>
    internal void CallSoon(ILoopCallback callback) => _soon.Enqueue(callback);

    // ---- run / stop ---------------------------------------------------------------------------

    /// <inheritdoc />
    public void Run() => Run(installSignalHandlers: true);

    /// <summary>
    /// Runs the reactor. With <paramref name="installSignalHandlers"/>, SIGINT and SIGTERM stop it
    /// (shutdown triggers run) instead of killing the process.
    /// </summary>
    public void Run(bool installSignalHandlers)
    {
        if (_started)
        {
            throw new ReactorAlreadyRunningException();
        }
        if (_startedBefore)
        {
            throw new ReactorNotRestartableException();
        }
        _startedBefore = true;
        _started = true;
        _stopped = false;
        _loopThread = Thread.CurrentThread;
        // Running is being awake: the loop looks at the queue before its first wait, startup triggers included.
        Awake();
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new ReactorSynchronizationContext(this));
        var signals = installSignalHandlers ? InstallSignalHandlers() : [];
        ReactorInstruments.Register(this);
        try
        {
            FireSystemEvent(SystemEvent.Startup);
            MainLoop();
        }
        finally
        {
            ReactorInstruments.Unregister(this);
            foreach (var s in signals)
            {
                s.Dispose();
            }
            SynchronizationContext.SetSynchronizationContext(previousContext);
            // A reactor runs once: its own descriptors (poller, waker) go when the loop ends.
            Dispose();
        }
    }

    /// <summary>
    /// Releases the backend's own resources (the poller and waker descriptors). <see cref="Run()"/>
    /// does this when it returns; call it for a reactor that never ran. Not valid while running.
    /// </summary>
    public void Dispose()
    {
        if (_started)
        {
            throw new InvalidOperationException("Cannot dispose a running reactor; stop it first.");
        }
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        ReleaseResources();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes what the backend holds; called once.</summary>
    protected virtual void ReleaseResources() { }

    private PosixSignalRegistration[] InstallSignalHandlers()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser())
        {
            return [];
        }
        PosixSignalRegistration Register(PosixSignal signal, int number) => PosixSignalRegistration.Create(signal, ctx =>
        {
            // Keep the process alive; the reactor decides when to exit.
            ctx.Cancel = true;
            CallFromThread(() =>
            {
                ReceivedSignal ??= number;
                if (!_stopped)
                {
                    Stop();
                }
            });
        });
        return [Register(PosixSignal.SIGINT, 2), Register(PosixSignal.SIGTERM, 15)];
    }

    private void MainLoop()
    {
        while (_started)
        {
            try
            {
                RunUntilCurrent();
                if (_passStart != 0)
                {
                    RecordPass();
                }
                if (!_started)
                {
                    break;
                }
                var timeout = ComputeTimeout();
                long sleptAt = 0;
                if (timeout != 0 && Volatile.Read(ref _awaitedThreadCalls) > 0)
                {
                    if (SpinForThreadCalls())
                    {
                        timeout = 0;
                    }
                    else
                    {
                        sleptAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                }
                if (timeout != 0)
                {
                    timeout = BoundSleepForHeldCalls(timeout);
                    if (!ReadyToSleep())
                    {
                        // A call came as the loop was about to sleep: it was not slept for.
                        timeout = 0;
                        sleptAt = 0;
                    }
                }
                DoIteration(timeout);
                Awake();
                if (sleptAt != 0 && ThreadCallsReady)
                {
                    AdaptSpin(System.Diagnostics.Stopwatch.GetTimestamp() - sleptAt);
                }
            }
            catch (Exception e)
            {
                LogError("Unexpected error in main loop", e);
            }
        }
    }

    /// <inheritdoc />
    public void Stop()
    {
        if (_stopped)
        {
            throw new ReactorNotRunningException();
        }
        _stopped = true;
        // Like Twisted, shutdown starts on the next pass so the caller's stack unwinds first.
        CallLater(0, () => FireSystemEvent(SystemEvent.Shutdown));
    }

    /// <inheritdoc />
    public void Crash()
    {
        _started = false;
        Running = false;
        AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Startup, ReallyStartRunning);
    }

    private void ReallyStartRunning() => Running = true;

    /// <inheritdoc />
    public void Iterate(double delay = 0)
    {
        RunUntilCurrent();
        var timeout = delay < 0 ? 0 : (int)Math.Ceiling(delay * 1000);
        // The caller chose this wait: workers must wake the loop for their calls, as they do by default.
        _sleepBounded = false;
        if (timeout != 0 && !ReadyToSleep())
        {
            timeout = 0;
        }
        DoIteration(timeout);
        Awake();
    }

    /// <summary>
    /// Before <see cref="ReadyToSleep"/>: where workers may keep calls back from a sleeping loop
    /// (<see cref="KeepsBackWhileAsleep"/>) and results are awaited, the wait is cut to
    /// <see cref="HeldCallSleepMs"/> and <see cref="HeldCallsMayWait"/> says so, before the wake-up flag is
    /// cleared (ReadyToSleep's exchange orders the two for a worker that reads them the other way round).
    /// </summary>
    private int BoundSleepForHeldCalls(int timeout)
    {
        var bounded = KeepsBackWhileAsleep && _heldCalls.Count > 0 && Volatile.Read(ref _awaitedThreadCalls) > 0;
        _sleepBounded = bounded;
        return bounded && (timeout < 0 || timeout > HeldCallSleepMs) ? HeldCallSleepMs : timeout;
    }

    /// <summary>
    /// Just before a wait that may sleep: from here a thread's call must wake the loop, so the flag is
    /// cleared, and then the queue is looked at once more (a call queued before the exchange skipped its
    /// wake-up). False when a call is waiting: the wait must not sleep.
    /// </summary>
    private bool ReadyToSleep()
    {
        Interlocked.Exchange(ref _wakeRequested.Value, 0);
        // After the exchange: a worker that holds a call back reads the flag after its push, so either it saw
        // the loop awake and its call is taken here, or it sees the flag clear and hands the call over itself.
        if (_heldCalls.Count > 0 && TakeHeldCalls())
        {
            return false;
        }
        return _threadCalls.IsEmpty && _selfCalls.IsEmpty;
    }

    /// <summary>Out of a wait: the loop looks at the queue before it next sleeps, so calls need no wake-up.</summary>
    private void Awake()
    {
        // Written only when it changes: a loop that did not sleep leaves the flag set, and rewriting the same
        // value would still take the line from every thread that calls CallFromThread, which reads it.
        if (Volatile.Read(ref _wakeRequested.Value) == 0)
        {
            Volatile.Write(ref _wakeRequested.Value, 1);
        }
    }

    /// <summary>Runs due thread calls, queued loop callbacks and timers.</summary>
    protected void RunUntilCurrent()
    {
        if (_heldCalls.Count > 0)
        {
            // A busy loop never spins or sleeps, where it otherwise takes held calls: it takes them here, at
            // most every HeldCallWait, so a worker's pushes are not made to fetch the line back every pass.
            TakeHeldCallsIfDue(System.Diagnostics.Stopwatch.GetTimestamp());
        }
        // Only what was queued before this pass runs now: a callback that queues another (an
        // await continuation posted from the loop thread, say) cannot starve I/O.
        var calls = _threadCalls.Count;
        if ((calls > 0 || _selfCalls.HasReady) && Volatile.Read(ref _awaitedThreadCalls) > 0)
        {
            Volatile.Write(ref _lastThreadCallActivity, System.Diagnostics.Stopwatch.GetTimestamp());
        }
        for (var n = calls; n > 0 && _threadCalls.TryDequeue(out var call); n--)
        {
            try
            {
                call();
            }
            catch (Exception e)
            {
                LogError("Unhandled error in CallFromThread callable", e);
            }
        }
        // Self-carrying calls have no count to snapshot without reading the line their producers write; a
        // bound per pass keeps a stream of them from starving I/O instead.
        for (var n = MaxSelfCallsPerPass; n > 0 && _selfCalls.TryDequeue() is { } selfCall; n--)
        {
            try
            {
                selfCall.RunCall();
            }
            catch (Exception e)
            {
                LogError("Unhandled error in CallFromThread call", e);
            }
        }
        for (var n = _soon.Count; n > 0; n--)
        {
            var cb = _soon.Dequeue();
            try
            {
                cb.Run();
            }
            catch (Exception e)
            {
                LogError("Unhandled error in loop callback", e);
            }
        }
        if (_timers.RunDue(static e => LogError("Unhandled error in delayed call", e)) > 0 && ReactorInstruments.Lag.Enabled && ReactorInstruments.Reports(this))
        {
            ReactorInstruments.Lag.Record(_timers.LastLateness, MetricTags);
        }
    }

    /// <summary>
    /// How long the loop looks for an awaited thread call before it sleeps (see
    /// <see cref="BeginAwaitingThreadCall"/>): 50 µs, none on a machine with one processor (the thread it
    /// waits for could not run meanwhile), or the microseconds in the environment variable
    /// <c>TORSION_LOOP_SPIN_US</c> (0 turns it off).
    /// </summary>
    public static TimeSpan ThreadCallSpin { get; } = TimeSpan.FromMicroseconds(
        int.TryParse(Environment.GetEnvironmentVariable("TORSION_LOOP_SPIN_US"), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var us) ? us : Environment.ProcessorCount > 1 ? 50 : 0);

    private static readonly long ThreadCallSpinTicks = (long)(ThreadCallSpin.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

    /// <summary>
    /// Marks a result that a worker thread will hand back through <see cref="CallFromThread(Action)"/> soon (a
    /// database query on a pool's worker, say) as awaited. While any is, the loop, with nothing else to do,
    /// looks for thread calls for up to <see cref="ThreadCallSpin"/> before it sleeps, so a short piece of
    /// work comes back without the cost of waking the loop (the worker's write to the wake-up descriptor, and
    /// the sleeping thread's wake-up, tens of microseconds on a virtual machine), at the price of that much
    /// CPU. The spin ends <see cref="ThreadCallSpin"/> after the last result was awaited or arrived, so work
    /// that takes longer (a slow query, a file read on the thread pool) costs at most one spin, not one per
    /// pass while it runs; and it adapts: results that keep arriving well after the spin has given up shrink
    /// it, down to none, and results that arrive soon after the loop slept grow it again. I/O that arrives
    /// during a spin waits for its end. Call from any thread; pair each call with one
    /// <see cref="EndAwaitingThreadCall"/>.
    /// </summary>
    public void BeginAwaitingThreadCall()
    {
        Volatile.Write(ref _lastThreadCallActivity, System.Diagnostics.Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _awaitedThreadCalls);
    }

    /// <summary>Ends one <see cref="BeginAwaitingThreadCall"/>: the result arrived (or will not).</summary>
    public void EndAwaitingThreadCall() => Interlocked.Decrement(ref _awaitedThreadCalls);

    /// <summary>This loop's longest spin for awaited thread calls (<see cref="ThreadCallSpin"/>; tests set it).</summary>
    internal long ThreadCallSpinTicksHere
    {
        get => _spinLimit;
        set => _spinLimit = _spinWindow = value;
    }

    /// <summary>The spin this loop uses now: <see cref="ThreadCallSpinTicksHere"/> at most, 0 while spinning does not pay.</summary>
    internal long SpinWindowTicks => _spinWindow;

    private long _spinLimit = ThreadCallSpinTicks;
    private long _spinWindow = ThreadCallSpinTicks;

    // Adaptive, as a hypervisor's halt-polling is: the loop slept (its spin over, or none) and a thread call
    // woke it after `slept` ticks. Soon after (within the limit) means a longer spin would have caught it:
    // grow. Long after means the spin only burned CPU (a query slower than the limit, whose arrivals keep the
    // activity window open): halve it, down to none, so a loop awaiting 150 µs PostgreSQL queries stops
    // spinning instead of taking a core from the database server.
    private void AdaptSpin(long slept)
    {
        if (slept <= _spinLimit)
        {
            _spinWindow = Math.Min(_spinLimit, Math.Max(_spinWindow * 2, slept * 2));
        }
        else
        {
            _spinWindow /= 2;
            if (_spinWindow < _spinLimit / 64)
            {
                _spinWindow = 0;
            }
        }
    }

    /// <summary>Thread calls awaited now (<see cref="BeginAwaitingThreadCall"/>).</summary>
    internal int AwaitedThreadCalls => Volatile.Read(ref _awaitedThreadCalls);

    /// <summary>True while the loop spins for an awaited thread call.</summary>
    internal bool SpinningForThreadCalls => _spinning;

    /// <summary>Wake-ups CallFromThread has written to the loop's wake-up descriptor.</summary>
    internal long WakeUpsWritten => Interlocked.Read(ref _wakeUpsWritten);

    /// <summary>True while a thread's call must wake the loop: it sleeps, or is about to (a worker keeping calls back reads it; see <see cref="AddHeldCalls"/>).</summary>
    internal bool WakeUpNeeded => Volatile.Read(ref _wakeRequested.Value) == 0;

    /// <summary>Spins the loop has begun.</summary>
    internal int Spins => Volatile.Read(ref _spins);

    // True when a thread call arrived within the spin (the wait that follows then only polls).
    private bool SpinForThreadCalls()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var until = Math.Min(Volatile.Read(ref _lastThreadCallActivity) + _spinLimit, now + _spinWindow);
        if (now >= until)
        {
            return false;
        }
        _spins++;
        // The loop is awake while it spins (Awake set the flag): a thread's CallFromThread skips the wake-up
        // write, a system call on its side and a wasted pass on the loop's.
        _spinning = true;
        var spinner = default(SpinWait);
        try
        {
            while ((now = System.Diagnostics.Stopwatch.GetTimestamp()) < until)
            {
                if (ThreadCallsReady)
                {
                    return true;
                }
                // Held calls are taken once they have had HeldCallWait to come on their own.
                if (_heldCalls.Count > 0 && TakeHeldCallsIfDue(now))
                {
                    return true;
                }
                // Never sleeps (no Thread.Sleep(1)); yields once spinning gets long, so on a busy machine
                // the worker the loop waits for gets the core.
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
        finally
        {
            _spinning = false;
        }
        // The caller then readies the loop to sleep (ReadyToSleep), which looks at the queue once more.
        return false;
    }

    private int ComputeTimeout()
    {
        if (ThreadCallsReady || _soon.Count > 0)
        {
            return 0;
        }
        var due = _timers.NextDueTime;
        if (due is null)
        {
            return -1;
        }
        var ms = Math.Ceiling((due.Value - Seconds()) * 1000);
        return ms <= 0 ? 0 : ms >= int.MaxValue ? int.MaxValue : (int)ms;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1 = until woken) for I/O and dispatches what is ready.</summary>
    protected abstract void DoIteration(int timeoutMs);

    /// <summary>During shutdown: drops every connection and port the backend holds.</summary>
    protected abstract void DisconnectAll();

    // ---- system event triggers ----------------------------------------------------------------

    /// <inheritdoc />
    public TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Func<Deferred?> callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        if (!_triggers.TryGetValue(eventType, out var t))
        {
            _triggers[eventType] = t = new SystemEventTriggers(eventType);
        }
        var id = new TriggerId(phase, eventType, ++_triggerSequence);
        t.Add(id, callable);
        return id;
    }

    /// <inheritdoc />
    public TriggerId AddSystemEventTrigger(TriggerPhase phase, string eventType, Action callable)
    {
        ArgumentNullException.ThrowIfNull(callable);
        return AddSystemEventTrigger(phase, eventType, () =>
        {
            callable();
            return null;
        });
    }

    /// <inheritdoc />
    public void RemoveSystemEventTrigger(TriggerId id)
    {
        if (id.EventType is null || !_triggers.TryGetValue(id.EventType, out var t) || !t.Remove(id))
        {
            throw new ArgumentException($"No such system event trigger: {id}.", nameof(id));
        }
    }

    /// <inheritdoc />
    public void FireSystemEvent(string eventType)
    {
        if (_triggers.TryGetValue(eventType, out var t))
        {
            t.Fire();
        }
    }

    /// <inheritdoc />
    public TriggerId? CallWhenRunning(Action callable)
    {
        if (Running)
        {
            callable();
            return null;
        }
        return AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Startup, callable);
    }

    // ---- names ----------------------------------------------------------------------------------

    private IHostnameResolver _nameResolver = SystemHostnameResolver.Instance;

    /// <inheritdoc />
    public IHostnameResolver NameResolver => Volatile.Read(ref _nameResolver);

    /// <inheritdoc />
    public IHostnameResolver InstallNameResolver(IHostnameResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return Interlocked.Exchange(ref _nameResolver, resolver);
    }

    /// <summary>
    /// Resolves <paramref name="name"/> through <see cref="NameResolver"/> to one address: the first IPv4
    /// address if there is one (Twisted's <c>resolve</c> is IPv4 only), otherwise the first IPv6 address.
    /// Fails with <see cref="DnsLookupError"/>, whose inner exception is a <see cref="TimeoutError"/> when
    /// <paramref name="timeout"/> seconds (0: none) pass first.
    /// </summary>
    public Deferred<string> Resolve(string name, double timeout = 10)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = NameResolution.Resolve(this, name, 0).AddCallback(addresses => NameResolution.Preferred(name, addresses).Address.ToString());
        if (timeout > 0)
        {
            result.AddTimeout(timeout, this).AddErrback(f => f.Value is TimeoutException ? new Failure(new DnsLookupError(name, new TimeoutError(timeout))) : f);
        }
        return result;
    }

    // ---- TCP ------------------------------------------------------------------------------------

    /// <inheritdoc />
    public abstract IListeningPort ListenTcp(int port, Factory factory, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "");

    /// <inheritdoc />
    public abstract IListeningPort ListenUnix(string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false);

    /// <inheritdoc />
    public abstract IConnector ConnectUnix(string path, ClientFactory factory, double timeout = 30, bool checkPid = false);

    /// <inheritdoc />
    public abstract IConnector ConnectTcp(string host, int port, ClientFactory factory, double timeout = 30, EndPoint? bindAddress = null);

    /// <summary>
    /// Serves <paramref name="factory"/> on a stream socket that is already bound and listening,
    /// owning <paramref name="fileDescriptor"/> from here on (closed if this throws). The one seam
    /// through which shared code hands a backend a listening socket: a <see cref="ReactorGroup"/>
    /// gives each loop its own <c>SO_REUSEPORT</c> socket this way, and <c>AdoptStreamPort</c> a
    /// duplicate of an inherited one. Call on the loop's thread, or before it runs.
    /// </summary>
    internal abstract IListeningPort ListenOnDescriptor(int fileDescriptor, EndPoint host, Factory factory);

    // ---- UDP ------------------------------------------------------------------------------------

    /// <inheritdoc />
    public IUdpTransport ListenUdp(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize) =>
        ListenMulticast(port, protocol, interfaceAddress, maxPacketSize, listenMultiple: false);

    /// <inheritdoc />
    public IMulticastTransport ListenMulticast(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize, bool listenMultiple = false)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return ListenDatagram(port, protocol, interfaceAddress, maxPacketSize, listenMultiple);
    }

    /// <summary>
    /// The backend's UDP port on <paramref name="port"/> of <paramref name="interfaceAddress"/>, listening
    /// before it is returned. The backend checks the arguments with <c>UdpAddresses.ListenAddress</c>
    /// before it opens anything, as it checks <c>ListenTcp</c>'s with <c>TcpAddresses.ListenAddress</c>.
    /// </summary>
    protected abstract IMulticastTransport ListenDatagram(int port, DatagramProtocol protocol, string interfaceAddress, int maxPacketSize, bool listenMultiple);

    // ---- processes --------------------------------------------------------------------------------

    /// <inheritdoc />
    public abstract IProcessTransport SpawnProcess(
        ProcessProtocol processProtocol,
        string executable,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null,
        string? path = null,
        int? uid = null,
        int? gid = null,
        bool usePty = false,
        IReadOnlyDictionary<int, ChildFd>? childFds = null);

    // ---- TLS ------------------------------------------------------------------------------------

    /// <inheritdoc />
    public IListeningPort ListenSsl(int port, Factory factory, TlsServerOptions options, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "") =>
        TlsReactor.ListenSsl(this, port, factory, options, backlog, interfaceAddress);

    /// <inheritdoc />
    public IConnector ConnectSsl(string host, int port, ClientFactory factory, TlsClientOptions options, double timeout = 30, EndPoint? bindAddress = null) =>
        TlsReactor.ConnectSsl(this, host, port, factory, options, timeout, bindAddress);
}
