namespace Torsion.Internet;

/// <summary>
/// A <see cref="ReactorThreadPool"/> had no worker for a piece of work and could not start one: the
/// process is out of memory, of threads, or (on Linux, where starting a thread opens a pipe) of file
/// descriptors. <see cref="ReactorThreads.DeferToThread{T}(IReactorThreads, Func{T})"/> delivers it
/// as the Deferred's failure; <see cref="ReactorThreadPool.CallInThread"/> throws it.
/// </summary>
public sealed class WorkerThreadStartException : Exception
{
    /// <summary>Creates the error for the pool named <paramref name="pool"/>.</summary>
    public WorkerThreadStartException(string pool, Exception inner)
        : base($"The thread pool '{pool}' could not start a thread for the work (out of memory, threads or file descriptors).", inner)
    {
    }
}
