using System.Text;
using Torsion.Logging;

namespace Torsion.TestSupport;

/// <summary>
/// The assembly fixture that keeps errors no test's check could take: logged after the test's own
/// check (during its Dispose, by a thread it left running, by a Deferred collected later) or from no
/// test's context at all. They fail the run when the assembly finishes, each with the test it came
/// from where known.
/// </summary>
public sealed class LateLogErrors : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly List<(string? Test, LogEvent Event)> Events = [];

    /// <summary>Starts observing the global log before the first test runs.</summary>
    public LateLogErrors() => TestLogScope.EnsureObserving();

    internal static void Add(string? test, LogEvent e)
    {
        lock (Gate)
        {
            Events.Add((test, e));
        }
    }

    public void Dispose()
    {
        // Standard error reaches the console at normal verbosity (.ci/run): what the guards cost.
        Console.Error.WriteLine(GuardStats.Summary());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        (string? Test, LogEvent Event)[] events;
        lock (Gate)
        {
            events = [.. Events];
        }
        if (events.Length == 0)
        {
            return;
        }
        var text = new StringBuilder();
        text.Append(events.Length).Append(" error(s) reached the global log after their test's check or outside any test:");
        foreach (var (test, e) in events)
        {
            text.AppendLine().Append("  ").Append(test ?? "(no test)").Append(": ").Append(e);
            if (e.Failure is { } failure)
            {
                text.AppendLine().Append("    ").Append(failure.GetTraceback().Replace("\n", "\n    ", StringComparison.Ordinal));
            }
        }
        throw new InvalidOperationException(text.ToString());
    }
}
