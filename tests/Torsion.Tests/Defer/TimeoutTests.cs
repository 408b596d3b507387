using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class TimeoutTests
{
    [Fact]
    public void TimeoutCancelsAndBecomesTimeoutException()
    {
        var clock = new FakeClock();
        var d = new Deferred<int>();
        Failure? f = null;
        d.AddTimeout(5, clock).AddErrback(x => { f = x; return 0; });
        clock.Advance(4.9);
        Assert.Null(f);
        clock.Advance(0.2);
        Assert.IsType<TimeoutException>(f!.Value);
    }

    [Fact]
    public void FiringFirstCancelsTheTimer()
    {
        var clock = new FakeClock();
        var d = new Deferred<int>();
        var got = 0;
        d.AddTimeout(5, clock).AddCallback(x => { got = x; });
        Assert.Single(clock.GetDelayedCalls());
        d.Callback(8);
        Assert.Equal(8, got);
        Assert.Empty(clock.GetDelayedCalls());
    }

    [Fact]
    public void OnTimeoutCancelReplacesTheResult()
    {
        var clock = new FakeClock();
        var d = new Deferred<string>();
        string? got = null;
        d.AddTimeout(1, clock, () => "fallback").AddCallback(s => { got = s; });
        clock.Advance(1);
        Assert.Equal("fallback", got);
    }

    [Fact]
    public void OnlyCallbacksAddedBeforeAreCovered()
    {
        var clock = new FakeClock();
        var d = new Deferred<int>();
        Failure? before = null;
        d.AddErrback(x => { before = x; return new Failure(x.Value); });
        d.AddTimeout(1, clock);
        Failure? after = null;
        d.AddErrback(x => { after = x; return 0; });
        clock.Advance(1);
        Assert.IsType<CancelledException>(before!.Value);
        Assert.IsType<TimeoutException>(after!.Value);
    }

    [Fact]
    public void CancellationNotCausedByTheTimerStaysCancelled()
    {
        var clock = new FakeClock();
        var d = new Deferred<int>();
        Failure? f = null;
        d.AddTimeout(1, clock).AddErrback(x => { f = x; return 0; });
        d.Cancel();
        Assert.IsType<CancelledException>(f!.Value);
        Assert.Empty(clock.GetDelayedCalls());
    }
}
