namespace Torsion.Internet;

/// <summary>Threads around the loop (Twisted's <c>IReactorThreads</c>).</summary>
public interface IReactorThreads
{
    /// <summary>
    /// Queues <paramref name="callable"/> to run on the reactor thread and wakes the loop.
    /// The only member of a reactor that any thread may call.
    /// </summary>
    void CallFromThread(Action callable);

    /// <summary>Runs <paramref name="callable"/> on the reactor's bounded thread pool.</summary>
    void CallInThread(Action callable);

    /// <summary>Sets the pool's maximum number of threads.</summary>
    void SuggestThreadPoolSize(int size);

    /// <summary>The reactor's thread pool, created on first use and stopped at shutdown.</summary>
    ReactorThreadPool GetThreadPool();
}
