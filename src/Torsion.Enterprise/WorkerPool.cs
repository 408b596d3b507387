using System.Collections.Concurrent;
using System.Diagnostics;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Enterprise;

/// <summary>
/// The connection pool's worker threads: like <see cref="ReactorThreadPool"/> (lazily started, at most one per
/// connection, stopped with the pool), but a worker that runs out of work keeps looking for
/// <see cref="SpinTime"/> before it sleeps. Database work tends to come in runs (a client's next query follows
/// the answer to its last), and handing work to a thread that is still awake costs a queue write instead of a
/// futex wake-up and a context switch: the largest share of the pool's cost per query.
/// </summary>
internal sealed class WorkerPool
{
    /// <summary>
    /// How long an idle worker keeps checking for work before it sleeps: 50 µs, none on a machine with one
    /// processor (the reactor thread that would hand it work could not run meanwhile), or the microseconds in
    /// the environment variable <c>TORSION_DBPOOL_SPIN_US</c> (0 turns spinning off, for a machine whose cores
    /// are all busy anyway).
    /// </summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(
        int.TryParse(Environment.GetEnvironmentVariable("TORSION_DBPOOL_SPIN_US"), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var us) ? us : Environment.ProcessorCount > 1 ? 50 : 0);

    private static readonly long SpinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);

    private readonly ConcurrentQueue<Action> _work = new();
    private readonly object _sleep = new();
    private readonly List<Thread> _threads = new();
    private readonly int _max;
    private readonly string _name;
    // Work queued or running: kept at or below the number of workers (up to the maximum), so work that has
    // a connection never waits for a thread. Workers live until Stop, so their number only grows.
    private int _outstanding;
    private int _threadCount;
    private int _sleeping;
    private long _posts;
    private volatile bool _stopped;

    public WorkerPool(int max, string name)
    {
        _max = max;
        _name = name;
    }

    /// <summary>Worker threads alive now.</summary>
    public int ThreadCount
    {
        get
        {
            lock (_threads)
            {
                return _threads.Count;
            }
        }
    }

    /// <summary>Work queued for the workers so far (work a worker took over from the work before runs without; tests read it).</summary>
    internal long Posts => Interlocked.Read(ref _posts);

    /// <summary>Workers asleep now (past their spin, waiting for work).</summary>
    internal int Sleeping => Volatile.Read(ref _sleeping);

    /// <summary>
    /// Runs <paramref name="f"/> on a worker; the Deferred fires on <paramref name="reactor"/>'s thread with its
    /// result or exception (<see cref="ReactorThreads.DeferToThreadPool{T}"/> on this pool).
    /// </summary>
    public Deferred<T> Defer<T>(IReactorThreads reactor, Func<T> f)
    {
        var d = new Deferred<T>();
        try
        {
            Post(() =>
            {
                T value;
                try
                {
                    value = f();
                }
                catch (Exception e)
                {
                    var failure = new Failure(e); // here, so it keeps the worker's stack
                    reactor.CallFromThread(() => d.Errback(failure));
                    return;
                }
                reactor.CallFromThread(() => d.Callback(value));
            });
        }
        catch (WorkerThreadStartException e)
        {
            d.Errback(new Failure(e));
        }
        return d;
    }

    /// <summary>Queues <paramref name="work"/> for a worker, starting one when none is idle and fewer than the maximum run.</summary>
    /// <exception cref="WorkerThreadStartException">No worker runs and none could be started; the work was not queued.</exception>
    public void Post(Action work)
    {
        if (_stopped)
        {
            throw new InvalidOperationException("The connection pool's workers have been stopped.");
        }
        if (Interlocked.Increment(ref _outstanding) > Volatile.Read(ref _threadCount))
        {
            try
            {
                StartWorkerIfAllowed();
            }
            catch
            {
                Interlocked.Decrement(ref _outstanding);
                throw;
            }
        }
        Interlocked.Increment(ref _posts);
        _work.Enqueue(work);
        // Enqueue is a full fence, as is the worker's increment of _sleeping before it checks the queue: one
        // of the two sees the other, so work is never left queued beside a sleeping worker.
        if (Volatile.Read(ref _sleeping) > 0)
        {
            lock (_sleep)
            {
                Monitor.Pulse(_sleep);
            }
        }
    }

    /// <summary>Lets queued work finish and joins every worker.</summary>
    public void Stop()
    {
        _stopped = true;
        lock (_sleep)
        {
            Monitor.PulseAll(_sleep);
        }
        Thread[] threads;
        lock (_threads)
        {
            threads = _threads.ToArray();
        }
        foreach (var t in threads)
        {
            if (t != Thread.CurrentThread)
            {
                t.Join();
            }
        }
    }

    private void StartWorkerIfAllowed()
    {
        lock (_threads)
        {
            if (_threads.Count >= _max)
            {
                return;
            }
            var t = new Thread(Worker) { IsBackground = true, Name = $"{_name}-{_threads.Count}" };
            try
            {
                t.Start();
            }
            catch (OutOfMemoryException e)
            {
                // What Thread.Start throws when the OS refuses a thread. With workers running, the work waits for one.
                if (_threads.Count == 0)
                {
                    throw new WorkerThreadStartException(_name, e);
                }
                return;
            }
            _threads.Add(t);
            Volatile.Write(ref _threadCount, _threads.Count);
        }
    }

    private void Worker()
    {
        while (true)
        {
            if (_work.TryDequeue(out var work))
            {
                Run(work);
                continue;
            }
            if (!Spin(out work) && !Sleep(out work))
            {
                lock (_threads)
                {
                    _threads.Remove(Thread.CurrentThread);
                }
                return;
            }
            Run(work!);
        }
    }

    private bool Spin(out Action? work)
    {
        var until = Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < until && !_stopped)
        {
            if (_work.TryDequeue(out work))
            {
                return true;
            }
            // SpinOnce(-1) never sleeps (no Thread.Sleep(1)), but yields once spinning gets long, so a
            // spinning worker gives its core to the reactor thread on a busy machine.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        work = null;
        return false;
    }

    /// <summary>Sleeps until work comes (true) or the pool stops with none left (false).</summary>
    private bool Sleep(out Action? work)
    {
        lock (_sleep)
        {
            Interlocked.Increment(ref _sleeping);
            try
            {
                while (!_work.TryDequeue(out work))
                {
                    if (_stopped)
                    {
                        return false;
                    }
                    Monitor.Wait(_sleep);
                }
                return true;
            }
            finally
            {
                Interlocked.Decrement(ref _sleeping);
            }
        }
    }

    private void Run(Action work)
    {
        try
        {
            work();
        }
        catch (Exception e)
        {
            // Work posted here reports its own failures (Defer); this is a last resort that keeps the worker alive.
            Torsion.Logging.Logger.For<WorkerPool>().Failure("A connection pool worker's work threw", e, Torsion.Logging.LogLevel.Error);
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }
}
