using System.Reflection;
using Xunit.v3;

namespace Torsion.TestSupport;

/// <summary>
/// Applied to every test assembly (tests/Shared/AssemblyGuards.cs): a test fails when the global log
/// received an error it did not declare (<see cref="LoggedErrors"/>), and a test that runs past the
/// time limit ends the run with its name (<see cref="TestWatchdog"/>).
/// </summary>
/// <remarks>
/// xunit calls <see cref="Before"/> after the test class is constructed and <see cref="After"/> before it
/// is disposed; an exception from <see cref="After"/> fails the test. Errors logged later (during
/// Dispose, or by a thread the test left running) still belong to the test and fail the run at the end
/// (<see cref="LateLogErrors"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TestGuardAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
        var scope = TestLogScope.For(test);
        TestWatchdog.Started(scope, methodUnderTest.GetCustomAttribute<TimeLimitAttribute>()?.Limit);
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var scope = TestLogScope.For(test);
        TestWatchdog.Finished(scope);
        // An unhandled Deferred failure is only reported when its chain is collected: collect now, so a
        // failure the test left behind is reported (under the test's context, see FailureTracker) while
        // the test can still fail for it.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GuardStats.Collected(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        var unexpected = scope.Finish();
        if (unexpected.Count > 0)
        {
            throw new UnexpectedLogErrorsException(test.TestDisplayName, unexpected);
        }
    }
}
