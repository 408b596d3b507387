using Torsion.Defer;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet;

public sealed class DeferLaterTests
{
    [Fact]
    public void FiresAfterTheDelayWithTheValue()
    {
        var clock = new Clock();
        var result = Captured<int>.Of(ReactorTasks.DeferLater(clock, 3, () => 42));
        clock.Advance(2.9);
        Assert.False(result.Fired);
        clock.Advance(0.1);
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public void TheActionOverloadRunsTheActionThenFires()
    {
        var clock = new Clock();
        var ran = false;
        var result = Captured<Unit>.Of(ReactorTasks.DeferLater(clock, 1, () => { ran = true; }));
        Assert.False(ran);
        clock.Advance(1);
        Assert.True(ran);
        Assert.True(result.Fired);
        Assert.Null(result.Failure);
    }

    [Fact]
    public void WithNoFunctionItJustFires()
    {
        var clock = new Clock();
        var result = Captured<Unit>.Of(ReactorTasks.DeferLater(clock, 1));
        clock.Advance(1);
        Assert.True(result.Fired);
    }

    [Fact]
    public void AnExceptionBecomesTheFailure()
    {
        var clock = new Clock();
        var result = Captured<int>.Of(ReactorTasks.DeferLater<int>(clock, 1, () => throw new FormatException()));
        clock.Advance(1);
        Assert.IsType<FormatException>(result.Failure?.Value);
    }

    [Fact]
    public void AReturnedDeferredIsWaitedFor()
    {
        var clock = new Clock();
        var inner = new Deferred<string>();
        var result = Captured<string>.Of(ReactorTasks.DeferLater(clock, 1, () => inner));
        clock.Advance(1);
        Assert.False(result.Fired);
        inner.Callback("late");
        Assert.Equal("late", result.Value);
    }

    [Fact]
    public void CancellingFailsWithCancelledAndRemovesTheDelayedCall()
    {
        var clock = new Clock();
        var called = false;
        var d = ReactorTasks.DeferLater(clock, 5, () => called = true);
        var result = Captured<bool>.Of(d);
        Assert.Single(clock.GetDelayedCalls());
        d.Cancel();
        Assert.IsType<CancelledException>(result.Failure?.Value);
        Assert.Empty(clock.GetDelayedCalls());
        clock.Advance(10);
        Assert.False(called);
    }

    [Fact]
    public void ANegativeDelayIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReactorTasks.DeferLater(new Clock(), -1));
    }
}
