using Torsion.Services;
using Torsion.Defer;
using Torsion.Testing;
using Torsion.TestSupport;

namespace Torsion.Tests.Services;

/// <summary>TimerService on a deterministic clock.</summary>
public sealed class TimerServiceTests
{
    [Fact]
    public void CallsAtOnceAndThenEveryInterval()
    {
        var clock = new Clock();
        var calls = 0;
        var timer = new TimerService(clock, 5, () => { calls++; });
        timer.StartService();
        Assert.Equal(1, calls);
        clock.Advance(4.9);
        Assert.Equal(1, calls);
        clock.Advance(0.1);
        Assert.Equal(2, calls);
        timer.StopService();
        clock.Advance(10);
        Assert.Equal(2, calls);
        Assert.False(timer.Running);
    }

    [Fact]
    public void StopWaitsForACallInProgress()
    {
        var clock = new Clock();
        var inProgress = new Deferred();
        var timer = new TimerService(clock, 1, () => inProgress);
        timer.StartService();
        var stopped = false;
        timer.StopService().AddCallback(_ => { stopped = true; });
        Assert.False(stopped);
        Assert.True(timer.Running);
        inProgress.Callback();
        Assert.True(stopped);
        Assert.False(timer.Running);
    }

    [Fact]
    public void AFailingCallEndsTheLoopButStopStillFires()
    {
        var expected = LoggedErrors.ExpectMessage("The timer's function failed");
        var clock = new Clock();
        var calls = 0;
        var timer = new TimerService(clock, 1, () => { calls++; throw new InvalidOperationException("boom"); });
        timer.StartService();
        clock.Advance(5);
        Assert.Equal(1, calls);
        Assert.Equal(1, expected.Count); // the failure is logged, not lost
        var stopped = false;
        timer.StopService().AddCallback(_ => { stopped = true; });
        Assert.True(stopped);
    }
}
