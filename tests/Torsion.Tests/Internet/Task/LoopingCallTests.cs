using Torsion.Defer;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet;

public sealed class LoopingCallTests
{
    [Fact]
    public void StartWithNowCallsAtOnceThenEveryInterval()
    {
        var clock = new Clock();
        var calls = new List<double>();
        var loop = new LoopingCall(clock, () => calls.Add(clock.Seconds()));
        loop.Start(1);
        Assert.Equal([0.0], calls);
        clock.Advance(0.5);
        Assert.Single(calls);
        clock.Pump([0.5, 1, 1]);
        Assert.Equal([0.0, 1, 2, 3], calls);
        Assert.True(loop.Running);
        Assert.Equal(1, loop.Interval);
    }

    [Fact]
    public void StartWithoutNowWaitsOneInterval()
    {
        var clock = new Clock();
        var count = 0;
        var loop = new LoopingCall(clock, () => count++);
        loop.Start(2, now: false);
        Assert.Equal(0, count);
        clock.Advance(1.9);
        Assert.Equal(0, count);
        clock.Advance(0.1);
        Assert.Equal(1, count);
    }

    [Fact]
    public void CallsStayOnTheGridAlignedToTheStartTime()
    {
        var clock = new Clock();
        clock.Advance(0.25);
        var loop = new LoopingCall(clock, () => { });
        loop.Start(1, now: false);
        // The call due at 1.25 runs late, at 1.6: the next one is still at 2.25, not 2.6.
        clock.Advance(1.35);
        Assert.Equal(2.25, Assert.Single(clock.GetDelayedCalls()).Time, 9);
    }

    [Fact]
    public void MissedIntervalsAreSkippedAndWithCountReportsThem()
    {
        var clock = new Clock();
        var counts = new List<int>();
        var loop = LoopingCall.WithCount(clock, counts.Add);
        loop.Start(1);
        clock.Advance(1);
        // The call due at 2 runs at 5.5: the points 2..5 are made up by one call with count 4.
        clock.Advance(4.5);
        Assert.Equal([1, 1, 4], counts);
        Assert.Equal(6, Assert.Single(clock.GetDelayedCalls()).Time, 9);
        clock.Advance(0.5);
        Assert.Equal([1, 1, 4, 1], counts);
    }

    [Fact]
    public void WithCountStartedLaterCountsFromTheStart()
    {
        var clock = new Clock();
        var counts = new List<int>();
        var loop = LoopingCall.WithCount(clock, counts.Add);
        loop.Start(1, now: false);
        clock.Advance(2.5);
        Assert.Equal([2], counts);
    }

    [Fact]
    public void ADeferredFromTheFunctionDelaysTheNextCallUntilItFires()
    {
        var clock = new Clock();
        var pending = new List<Deferred>();
        var loop = new LoopingCall(clock, () =>
        {
            var d = new Deferred();
            pending.Add(d);
            return d;
        });
        loop.Start(1);
        Assert.Single(pending);
        clock.Advance(5);
        Assert.Single(pending);
        Assert.Empty(clock.GetDelayedCalls());
        pending[0].Callback();
        // Finished at 5, so the next call is at the next grid point, 6.
        Assert.Equal(6, Assert.Single(clock.GetDelayedCalls()).Time, 9);
        clock.Advance(1);
        Assert.Equal(2, pending.Count);
    }

    [Fact]
    public void StopFiresTheStartDeferredWithTheLoopAndCancelsTheNextCall()
    {
        var clock = new Clock();
        var loop = new LoopingCall(clock, () => { });
        var started = Captured<LoopingCall>.Of(loop.Start(1));
        Assert.False(started.Fired);
        loop.Stop();
        Assert.Same(loop, started.Value);
        Assert.False(loop.Running);
        Assert.Empty(clock.GetDelayedCalls());
    }

    [Fact]
    public void StopWhileWaitingForTheFunctionsDeferredFiresWhenItFires()
    {
        var clock = new Clock();
        var d = new Deferred();
        var loop = new LoopingCall(clock, () => d);
        var started = Captured<LoopingCall>.Of(loop.Start(1));
        loop.Stop();
        Assert.False(started.Fired);
        Assert.Throws<InvalidOperationException>(() => loop.Start(1));
        d.Callback();
        Assert.Same(loop, started.Value);
        Assert.Empty(clock.GetDelayedCalls());
    }

    [Fact]
    public void StopFromInsideTheFunctionEndsTheLoop()
    {
        var clock = new Clock();
        var count = 0;
        LoopingCall? loop = null;
        loop = new LoopingCall(clock, () =>
        {
            if (++count == 3)
            {
                loop!.Stop();
            }
        });
        var started = Captured<LoopingCall>.Of(loop.Start(1));
        clock.Pump([1, 1, 1, 1]);
        Assert.Equal(3, count);
        Assert.Same(loop, started.Value);
        Assert.Empty(clock.GetDelayedCalls());
    }

    [Fact]
    public void AnExceptionFailsTheStartDeferredAndStopsTheLoop()
    {
        var clock = new Clock();
        var count = 0;
        var loop = new LoopingCall(clock, () =>
        {
            if (++count == 2)
            {
                throw new FormatException("second call");
            }
        });
        var started = Captured<LoopingCall>.Of(loop.Start(1));
        clock.Advance(1);
        Assert.IsType<FormatException>(started.Failure?.Value);
        Assert.False(loop.Running);
        Assert.Empty(clock.GetDelayedCalls());
        clock.Advance(10);
        Assert.Equal(2, count);
    }

    [Fact]
    public void AFailedDeferredFromTheFunctionFailsTheStartDeferred()
    {
        var clock = new Clock();
        var loop = new LoopingCall(clock, () => Deferred.Fail(new TimeoutException()));
        var started = Captured<LoopingCall>.Of(loop.Start(1));
        Assert.IsType<TimeoutException>(started.Failure?.Value);
        Assert.False(loop.Running);
        // A failed loop can be started again.
        Assert.False(Captured<LoopingCall>.Of(loop.Start(1, now: false)).Fired);
        Assert.True(loop.Running);
    }

    [Fact]
    public void ResetRestartsTheGridFromNow()
    {
        var clock = new Clock();
        var calls = new List<double>();
        var loop = new LoopingCall(clock, () => calls.Add(clock.Seconds()));
        loop.Start(2, now: false);
        clock.Advance(1);
        loop.Reset();
        clock.Advance(1.5);
        Assert.Empty(calls);
        clock.Advance(0.5);
        Assert.Equal([3.0], calls);
        clock.Advance(2);
        Assert.Equal([3.0, 5], calls);
    }

    [Fact]
    public void IntervalZeroCallsOncePerPassWithACountOfOne()
    {
        var clock = new Clock();
        var counts = new List<int>();
        LoopingCall? loop = null;
        loop = LoopingCall.WithCount(clock, n =>
        {
            counts.Add(n);
            if (counts.Count == 5)
            {
                loop!.Stop();
            }
        });
        var started = Captured<LoopingCall>.Of(loop.Start(0, now: false));
        Assert.Equal(0, Assert.Single(clock.GetDelayedCalls()).Time);
        clock.Advance(0);
        Assert.Equal([1, 1, 1, 1, 1], counts);
        Assert.Same(loop, started.Value);
    }

    [Fact]
    public void InvalidUseThrows()
    {
        var clock = new Clock();
        var loop = new LoopingCall(clock, () => { });
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.Start(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.Start(double.NaN));
        Assert.False(loop.Running);
        Assert.Throws<InvalidOperationException>(loop.Stop);
        Assert.Throws<InvalidOperationException>(loop.Reset);
        loop.Start(1);
        Assert.Throws<InvalidOperationException>(() => loop.Start(1));
        Assert.Throws<ArgumentNullException>(() => loop.Clock = null!);
    }

    [Fact]
    public void TheClockCanBeSwappedBeforeStarting()
    {
        var first = new Clock();
        var second = new Clock();
        var count = 0;
        var loop = new LoopingCall(first, () => count++) { Clock = second };
        loop.Start(1, now: false);
        Assert.Empty(first.GetDelayedCalls());
        second.Advance(1);
        Assert.Equal(1, count);
    }
}
