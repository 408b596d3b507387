namespace Torsion.Internet;

/// <summary>
/// The threads that serve thread-driven pipes (<see cref="ThreadPipeReader"/>, <see cref="ThreadPipeWriter"/>),
/// kept for reuse: a pipe's loop runs on an idle one if there is one, else on a new thread, and the thread waits
/// for the next pipe afterwards (a few at most, each for a few seconds). On the sockets backend every child's
/// pipe needs one, and starting a thread costs more than the spawn itself. Each loop still has its thread to
/// itself for as long as it runs, so blocking and back-pressure are exactly as with a thread of its own.
/// </summary>
internal static class PipeThreads
{
    private const int MaxIdle = 16;
    private const int IdleMilliseconds = 5000;
    private static readonly object Gate = new();
    private static readonly List<Worker> Idle = new();

    /// <summary>How many threads wait for a loop now.</summary>
    internal static int IdleCount
    {
        get
        {
            lock (Gate)
            {
                return Idle.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="loop"/> on a thread of its own until it returns; it must catch its own exceptions.</summary>
    internal static void Run(Action loop)
    {
        Worker? worker = null;
        lock (Gate)
        {
            if (Idle.Count > 0)
            {
                worker = Idle[^1];
                Idle.RemoveAt(Idle.Count - 1);
            }
        }
        if (worker is null)
        {
            new Worker(loop).Start();
        }
        else
        {
            worker.Give(loop);
        }
    }

    private sealed class Worker(Action first)
    {
        private readonly object _lock = new();
        private Action? _next = first;

        internal void Start() => new Thread(Serve) { IsBackground = true, Name = "torsion-pipe" }.Start();

        internal void Give(Action loop)
        {
            lock (_lock)
            {
                _next = loop;
                Monitor.Pulse(_lock);
            }
        }

        private void Serve()
        {
            while (true)
            {
                Action loop;
                lock (_lock)
                {
                    loop = _next!;
                    _next = null;
                }
                try
                {
                    loop();
                }
                catch (Exception e)
                {
                    ReactorBase.LogError("Unhandled error in a pipe thread", e);
                }
                lock (Gate)
                {
                    if (Idle.Count >= MaxIdle)
                    {
                        return;
                    }
                    Idle.Add(this);
                }
                lock (_lock)
                {
                    if (_next is null)
                    {
                        Monitor.Wait(_lock, IdleMilliseconds);
                    }
                    if (_next is not null)
                    {
                        continue;
                    }
                }
                lock (Gate)
                {
                    if (Idle.Remove(this))
                    {
                        return;
                    }
                }
                // Taken from the idle list just as the wait ended: its loop is on the way.
                lock (_lock)
                {
                    while (_next is null)
                    {
                        Monitor.Wait(_lock);
                    }
                }
            }
        }
    }
}
