namespace Torsion.Internet.Threads;

/// <summary>Where an exception thrown by bare pool work goes: standard error, until the logger takes over.</summary>
internal static class ThreadPoolErrors
{
    /// <summary>The sink; replaced by the logging system at startup.</summary>
    internal static Action<Exception> Sink = static e => Console.Error.WriteLine($"Unhandled error in thread pool work: {e}");

    internal static void Report(Exception e) => Sink(e);
}
