using System.Text;
using Torsion.Logging;

namespace Torsion.Defer;

/// <summary>
/// Where "Unhandled error in Deferred" reports go: the <c>Torsion.Defer</c> logger at critical
/// level by default (which writes to standard error until logging begins). Tests replace <see cref="Sink"/>.
/// </summary>
internal static class UnhandledFailures
{
    private static readonly Logger Log = new("Torsion.Defer");
    private static Action<Failure, string?> _sink = LogIt;

    /// <summary>Receives each unhandled failure and, in debug mode, the Deferred's creation stack.</summary>
    internal static Action<Failure, string?> Sink
    {
        get => Volatile.Read(ref _sink);
        set => Volatile.Write(ref _sink, value ?? LogIt);
    }

    /// <summary>Reports one failure. Called from the finalizer thread, so it never throws.</summary>
    internal static void Report(Failure failure, string? creationStack)
    {
        try
        {
            Sink(failure, creationStack);
        }
        catch
        {
            // A broken sink must not take the finalizer thread (and so the process) down.
        }
    }

    /// <summary>The text of a report: the Twisted header, the traceback, and the creation stack if known.</summary>
    internal static string Format(Failure failure, string? creationStack)
    {
        var text = new StringBuilder();
        text.Append("Unhandled error in Deferred:").AppendLine();
        if (creationStack is not null)
        {
            text.Append("(debug: Deferred created at:)").AppendLine().Append(creationStack).AppendLine();
        }
        text.Append(failure.GetTraceback()).AppendLine();
        return text.ToString();
    }

    private static void LogIt(Failure failure, string? creationStack) =>
        Log.Failure(creationStack is null ? "Unhandled error in Deferred:" : "Unhandled error in Deferred (created at {creationStack}):",
            failure, Torsion.Logging.LogLevel.Critical, ("creationStack", creationStack));
}
