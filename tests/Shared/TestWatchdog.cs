using System.Collections.Concurrent;
using System.Globalization;

namespace Torsion.TestSupport;

/// <summary>
/// The time limit of every test, sync or async: a test still running after <see cref="Limit"/> ends
/// the test process with its name on standard error (and exit code 124), so a hang fails CI with the
/// culprit named instead of holding it. xunit's own <c>Timeout</c> covers only async tests and cannot
/// stop a blocked thread; ending the process is the one thing that always works.
/// </summary>
/// <remarks>
/// The limit (300 s) is generous on purpose: on a loaded 2-core machine torsiond's end-to-end tests
/// (a Roslyn compile, child .NET processes, waits of up to 120 s each) are slow, not hung, and a false
/// kill costs the whole run. <c>TORSION_TEST_TIME_LIMIT</c> (seconds) changes it; a test whose work
/// is long by nature raises its own with <see cref="TimeLimitAttribute"/>. The whole <c>dotnet test</c> is bounded as well (test.runsettings).
/// </remarks>
internal static class TestWatchdog
{
    private static readonly ConcurrentDictionary<TestLogScope, byte> Running = new();
    private static readonly Lazy<Thread> Thread = new(Start);

    /// <summary>How long one test may run.</summary>
    public static TimeSpan Limit { get; } = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("TORSION_TEST_TIME_LIMIT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 300);

    public static void Started(TestLogScope scope, TimeSpan? limit)
    {
        _ = Thread.Value;
        scope.StartedAt = Environment.TickCount64;
        scope.Limit = limit is { } l && l > Limit ? l : Limit;
        Running[scope] = 0;
    }

    public static void Finished(TestLogScope scope) => Running.TryRemove(scope, out _);

    private static Thread Start()
    {
        var thread = new System.Threading.Thread(Watch) { IsBackground = true, Name = "test watchdog" };
        // No test's execution context: the watchdog belongs to none of them.
        using (ExecutionContext.SuppressFlow())
        {
            thread.Start();
        }
        return thread;
    }

    private static void Watch()
    {
        while (true)
        {
            System.Threading.Thread.Sleep(1000);
            var now = Environment.TickCount64;
            var over = Running.Keys.Where(s => now - s.StartedAt > (long)s.Limit.TotalMilliseconds).ToList();
            if (over.Count == 0)
            {
                continue;
            }
            var running = Running.Keys.OrderBy(s => s.StartedAt)
                .Select(s => $"  {s.Name} (running for {(now - s.StartedAt) / 1000} s)");
            var message =
                $"TEST TIME LIMIT: {string.Join(", ", over.Select(s => $"{s.Name} ran past its {s.Limit.TotalSeconds:0} s limit"))} " +
                $"(TORSION_TEST_TIME_LIMIT); ending the test process so the run fails. Tests running now:{Environment.NewLine}" +
                string.Join(Environment.NewLine, running);
            Console.Error.WriteLine(message);
            Console.Error.Flush();
            // Exit runs process-exit handlers, which a deadlocked test could block; FailFast is the backstop.
            var backstop = new System.Threading.Thread(() =>
            {
                System.Threading.Thread.Sleep(10_000);
                Environment.FailFast(message);
            }) { IsBackground = true };
            backstop.Start();
            Environment.Exit(124);
        }
    }
}
