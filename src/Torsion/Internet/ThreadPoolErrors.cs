using Torsion.Logging;

namespace Torsion.Internet;

/// <summary>Where an exception thrown by bare pool work goes: the <c>Torsion.Internet.Threads</c> logger.</summary>
internal static class ThreadPoolErrors
{
    /// <summary>The sink; replaced by the logging system at startup.</summary>
    private static readonly Logger Log = new("Torsion.Internet.Threads");

    internal static Action<Exception> Sink = static e => Log.Failure("Unhandled error in thread pool work", e, Torsion.Logging.LogLevel.Error);

    internal static void Report(Exception e) => Sink(e);

    /// <summary>A pool could not start a thread; it goes on with the threads it has.</summary>
    internal static void StartFailed(string pool, Exception e) =>
        Log.Failure("Thread pool {pool} could not start a thread; work waits for a running one", e, Torsion.Logging.LogLevel.Warn, ("pool", pool));
}
