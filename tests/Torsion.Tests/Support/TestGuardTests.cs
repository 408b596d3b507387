using System.Runtime.CompilerServices;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.TestSupport;

namespace Torsion.Tests.Support;

/// <summary>The guards every test runs under (tests/Shared): logged errors are attributed to their test.</summary>
public sealed class TestGuardTests
{
    private static readonly Logger Log = new("Torsion.Tests.Support.TestGuard");

    [Fact]
    public void AnExpectedErrorIsConsumedByTheExpectation()
    {
        var marker = Guid.NewGuid().ToString();
        var expected = LoggedErrors.ExpectMessage(marker);
        Log.Error("expected {marker}", ("marker", marker));
        Assert.Equal(1, expected.Count);
    }

    [Fact]
    public void AnErrorLoggedOnAThreadTheTestStartedBelongsToTheTest()
    {
        var marker = Guid.NewGuid().ToString();
        var expected = LoggedErrors.ExpectMessage(marker);
        var thread = new Thread(() => Log.Failure("from a thread {marker}", new InvalidOperationException(), LogLevel.Error, ("marker", marker)));
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, expected.Count);
    }

    [Fact]
    public void AWarningCarryingAFailureCountsAsAnError()
    {
        var marker = Guid.NewGuid().ToString();
        var expected = LoggedErrors.ExpectFailureMessage(marker);
        Log.Failure("a warning", new InvalidOperationException(marker), LogLevel.Warn);
        Log.Warn("a warning without a failure is not an error");
        Assert.Equal(1, expected.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeaveFailed(string marker)
    {
        var d = new Deferred<int>();
        d.Errback(new InvalidOperationException(marker));
    }

    [Fact]
    public void AnUnhandledDeferredFailureIsReportedToTheTestThatLeftIt()
    {
        var marker = Guid.NewGuid().ToString();
        var expected = LoggedErrors.ExpectFailureMessage(marker);
        // Left on a thread the test started: the report comes from the finalizer thread, and still finds its test.
        var thread = new Thread(() => LeaveFailed(marker));
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        for (var i = 0; i < 10 && expected.Count == 0; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        var e = Assert.Single(expected.Events);
        Assert.StartsWith("Unhandled error in Deferred", e.FormatMessage());
    }

    [Fact]
    public void CodeOutsideEveryTestsContextBelongsToNoTest()
    {
        TestLogScope? seen = null;
        Thread thread;
        using (ExecutionContext.SuppressFlow())
        {
            thread = new Thread(() => seen = TestLogScope.Current);
            thread.Start();
        }
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Assert.Null(seen);
        Assert.NotNull(TestLogScope.Current);
    }

    [Fact]
    public void AScopeReturnsWhatItsTestLoggedUnexpectedlyAndNamesTheTest()
    {
        var scope = new TestLogScope("SomeTest");
        var consumed = scope.Expect("boom", e => e.FormatMessage().Contains("boom", StringComparison.Ordinal));
        scope.Record(new LogEvent(DateTimeOffset.UtcNow, LogLevel.Critical, "x", "boom", null, null));
        scope.Record(new LogEvent(DateTimeOffset.UtcNow, LogLevel.Error, "x", "surprise", null, null));
        var unexpected = scope.Finish();
        Assert.Equal(1, consumed.Count);
        var e = Assert.Single(unexpected);
        var message = new UnexpectedLogErrorsException("SomeTest", unexpected).Message;
        Assert.Contains("SomeTest", message);
        Assert.Contains("surprise", message);
        Assert.DoesNotContain("boom", message);
    }

    [Fact]
    public void ATimeLimitAttributeCanOnlyRaiseTheLimit()
    {
        var scope = new TestLogScope("SomeTest");
        try
        {
            TestWatchdog.Started(scope, TimeSpan.FromDays(1));
            Assert.Equal(TimeSpan.FromDays(1), scope.Limit);
            TestWatchdog.Started(scope, TimeSpan.FromSeconds(1));
            Assert.Equal(TestWatchdog.Limit, scope.Limit);
        }
        finally
        {
            TestWatchdog.Finished(scope);
        }
    }

    [Fact]
    public void EveryBackendRunsOnLinuxX64AndArm64()
    {
        Assert.SkipUnless(Backends.AllMustRun, "Only Linux x86-64 and arm64 promise every backend.");
        Assert.All(Reactors.Available, info => Assert.Null(info.UnsupportedReason));
    }
}
