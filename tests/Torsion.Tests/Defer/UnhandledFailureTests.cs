using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Torsion.Defer;

namespace Torsion.Tests.Defer;

[CollectionDefinition(nameof(UnhandledFailureCollection), DisableParallelization = true)]
public sealed class UnhandledFailureCollection;

[Collection(nameof(UnhandledFailureCollection))]
public sealed class UnhandledFailureTests : IDisposable
{
    private readonly ConcurrentQueue<(Failure Failure, string? Stack)> _reports = new();
    private readonly Action<Failure, string?> _previousSink;

    public UnhandledFailureTests()
    {
        _previousSink = UnhandledFailures.Sink;
        UnhandledFailures.Sink = (f, s) => _reports.Enqueue((f, s));
    }

    public void Dispose()
    {
        UnhandledFailures.Sink = _previousSink;
        Deferred.Debug = false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeaveFailed(string marker)
    {
        var d = new Deferred<int>();
        d.AddCallback(x => x + 1);
        d.Errback(new InvalidOperationException(marker));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeaveHandled(string marker)
    {
        var d = new Deferred<int>();
        d.Errback(new InvalidOperationException(marker));
        d.AddErrback(_ => 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeaveRecoveredLater(string marker)
    {
        // Failed, then moved into another chain that handles it.
        var inner = new Deferred<int>();
        inner.Errback(new InvalidOperationException(marker));
        var outer = Deferred.Succeed(0);
        outer.AddCallback(_ => inner).AddErrback(_ => 1);
    }

    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private List<(Failure Failure, string? Stack)> ReportsFor(string marker) =>
        _reports.Where(r => r.Failure.ErrorMessage == marker).ToList();

    [Fact]
    public void FailureLeftAtEndOfChainIsReportedWhenCollected()
    {
        var marker = "unhandled-" + Guid.NewGuid();
        LeaveFailed(marker);
        Collect();
        var report = Assert.Single(ReportsFor(marker));
        Assert.Null(report.Stack);
        var text = UnhandledFailures.Format(report.Failure, report.Stack);
        Assert.StartsWith("Unhandled error in Deferred", text);
        Assert.Contains(nameof(InvalidOperationException), text);
    }

    [Fact]
    public void HandledFailuresAreNotReported()
    {
        var handled = "handled-" + Guid.NewGuid();
        var moved = "moved-" + Guid.NewGuid();
        LeaveHandled(handled);
        LeaveRecoveredLater(moved);
        Collect();
        Assert.Empty(ReportsFor(handled));
        Assert.Empty(ReportsFor(moved));
    }

    private static readonly AsyncLocal<string?> Scope = new();

    [Fact]
    public void TheReportRunsInTheContextWhereTheFailureCameToRest()
    {
        // What lets a context-keyed observer (the test suite's per-test error check) own the report
        // that the finalizer thread makes.
        var marker = "context-" + Guid.NewGuid();
        var seen = new ConcurrentQueue<string?>();
        UnhandledFailures.Sink = (f, s) =>
        {
            if (f.ErrorMessage == marker)
            {
                seen.Enqueue(Scope.Value);
            }
        };
        var thread = new Thread(() =>
        {
            Scope.Value = marker;
            LeaveFailed(marker);
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Collect();
        Assert.Equal([marker], seen);
    }

    [Fact]
    public void DebugModeIncludesTheCreationStack()
    {
        var marker = "debug-" + Guid.NewGuid();
        Deferred.Debug = true;
        LeaveFailed(marker);
        Deferred.Debug = false;
        Collect();
        var report = Assert.Single(ReportsFor(marker));
        Assert.NotNull(report.Stack);
        Assert.Contains(nameof(LeaveFailed), report.Stack);
        Assert.Contains(nameof(LeaveFailed), UnhandledFailures.Format(report.Failure, report.Stack));
    }
}
