namespace Torsion.Internet;

/// <summary>
/// A bounded pool of worker threads for blocking work (Twisted's <c>ThreadPool(0, 10)</c>).
/// Threads start lazily, up to <see cref="MaxThreads"/>, and idle ones wait for work; work beyond
/// the bound queues. <see cref="Stop"/> lets queued work finish and joins every thread, which the
/// reactor does during shutdown so no worker outlives it.
/// </summary>
public sealed class ReactorThreadPool
{
    private readonly Queue<Action> _work = new();
    private readonly List<Thread> _threads = new();
    private readonly object _lock = new();
    private readonly string _name;
    private int _idle;
    private bool _stopped;
    private bool _startFailing;

    // The pool whose worker is running on this thread: lets a ReactorGroup send a worker's
    // CallFromThread back to the loop that handed it the work, not to some other loop.
    [ThreadStatic]
    private static ReactorThreadPool? t_current;

    /// <summary>Creates a pool of at most <paramref name="maxThreads"/> threads.</summary>
    public ReactorThreadPool(int maxThreads = 10, string name = "torsion-pool")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        MaxThreads = maxThreads;
        _name = name;
    }

    /// <summary>The largest number of threads the pool will run at once.</summary>
    public int MaxThreads { get; private set; }

    /// <summary>The reactor that created this pool (null for a pool made by user code).</summary>
    internal object? Owner { get; init; }

    /// <summary>The pool whose worker thread is calling, or null on any other thread.</summary>
    internal static ReactorThreadPool? Current => t_current;

    /// <summary>Work queued and not yet taken by a worker (read by the metrics collector).</summary>
    internal int QueueLength { get { lock (_lock) { return _work.Count; } } }

    /// <summary>The number of threads started so far and still alive.</summary>
    public int ThreadCount { get { lock (_lock) { return _threads.Count; } } }

    /// <summary>Changes the bound; existing threads above a lower bound end as they go idle.</summary>
    public void AdjustPoolSize(int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        lock (_lock)
        {
            MaxThreads = maxThreads;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Queues <paramref name="work"/>; it runs on a pool thread.</summary>
    /// <exception cref="InvalidOperationException">The pool was stopped.</exception>
    /// <exception cref="WorkerThreadStartException">
    /// The pool has no thread and could not start one (out of memory, threads or descriptors); the work
    /// was not queued. With threads running, a failed start is logged and the work waits for one of them.
    /// </exception>
    public void CallInThread(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_lock)
        {
            if (_stopped)
            {
                throw new InvalidOperationException("The thread pool has been stopped.");
            }
            if (_idle == 0 && _threads.Count < MaxThreads && !TryStartWorker(out var error) && _threads.Count == 0)
            {
                // Queued, the work would wait for a thread that may never come: the caller hears why now.
                throw new WorkerThreadStartException(_name, error!);
            }
            _work.Enqueue(work);
            if (_idle > 0)
            {
                Monitor.Pulse(_lock);
            }
        }
    }

    /// <summary>Starts one more worker (the lock is held, so it takes work only once the caller queued it).</summary>
    private bool TryStartWorker(out Exception? error)
    {
        var t = new Thread(Worker) { IsBackground = true, Name = $"{_name}-{_threads.Count}" };
        try
        {
            t.Start();
        }
        catch (OutOfMemoryException e)
        {
            // What Thread.Start throws when the OS refuses a thread, including EMFILE on Linux.
            // Logged once per episode: under exhaustion every call would fail the same way.
            error = e;
            if (!_startFailing)
            {
                _startFailing = true;
                ThreadPoolErrors.StartFailed(_name, e);
            }
            return false;
        }
        _startFailing = false;
        _threads.Add(t);
        error = null;
        return true;
    }

    /// <summary>Refuses new work, lets queued work finish, and joins every thread.</summary>
    public void Stop()
    {
        Thread[] threads;
        lock (_lock)
        {
            _stopped = true;
            Monitor.PulseAll(_lock);
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

    private void Worker()
    {
        t_current = this;
        while (true)
        {
            Action work;
            lock (_lock)
            {
                while (_work.Count == 0)
                {
                    if (_stopped || _threads.Count > MaxThreads)
                    {
                        _threads.Remove(Thread.CurrentThread);
                        return;
                    }
                    _idle++;
                    Monitor.Wait(_lock);
                    _idle--;
                }
                work = _work.Dequeue();
            }
            try
            {
                work();
            }
            catch (Exception e)
            {
                // Work items are wrapped by DeferToThread/CallInThread callers; a bare exception
                // here must not kill the worker, only be reported.
                ThreadPoolErrors.Report(e);
            }
        }
    }
}
