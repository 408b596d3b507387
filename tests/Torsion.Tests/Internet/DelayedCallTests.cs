using Torsion.Internet;

namespace Torsion.Tests.Internet;

public sealed class DelayedCallTests
{
    private readonly ManualTime _time = new();
    private readonly TimerQueue _queue;

    public DelayedCallTests() => _queue = new TimerQueue(() => _time.Now);

    private int Run() => _queue.RunDue(e => throw new Xunit.Sdk.XunitException($"unexpected error: {e}"));

    [Fact]
    public void ANewCallIsActiveAtNowPlusDelay()
    {
        _time.Now = 10;
        var call = _queue.Schedule(2.5, () => { });

        Assert.True(call.Active);
        Assert.False(call.Called);
        Assert.False(call.Cancelled);
        Assert.Equal(12.5, call.Time);
    }

    [Fact]
    public void CancelledCallDoesNotRun()
    {
        var ran = false;
        var call = _queue.Schedule(1, () => ran = true);

        call.Cancel();
        _time.Now = 2;
        Run();

        Assert.False(ran);
        Assert.False(call.Active);
        Assert.True(call.Cancelled);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void CancelTwiceThrowsAlreadyCancelled()
    {
        var call = _queue.Schedule(1, () => { });
        call.Cancel();

        Assert.Throws<AlreadyCancelledException>(call.Cancel);
        Assert.Throws<AlreadyCancelledException>(() => call.Reset(1));
        Assert.Throws<AlreadyCancelledException>(() => call.Delay(1));
    }

    [Fact]
    public void CancelAfterTheCallRanThrowsAlreadyCalled()
    {
        var call = _queue.Schedule(0, () => { });
        Run();

        Assert.True(call.Called);
        Assert.False(call.Active);
        Assert.Throws<AlreadyCalledException>(call.Cancel);
        Assert.Throws<AlreadyCalledException>(() => call.Reset(1));
        Assert.Throws<AlreadyCalledException>(() => call.Delay(1));
    }

    [Fact]
    public void CancellingItselfWhileRunningThrowsAlreadyCalled()
    {
        DelayedCall? call = null;
        Exception? error = null;
        call = _queue.Schedule(0, () => error = Record.Exception(call!.Cancel));

        Run();

        Assert.IsType<AlreadyCalledException>(error);
    }

    [Fact]
    public void ResetReschedulesRelativeToNow()
    {
        var ran = false;
        var call = _queue.Schedule(5, () => ran = true);
        _time.Now = 4;

        call.Reset(5);

        Assert.Equal(9, call.Time);
        _time.Now = 8;
        Run();
        Assert.False(ran);
        _time.Now = 9;
        Run();
        Assert.True(ran);
    }

    [Fact]
    public void ResetCanMakeACallSooner()
    {
        var order = new List<string>();
        var slow = _queue.Schedule(10, () => order.Add("slow"));
        _queue.Schedule(5, () => order.Add("middle"));

        slow.Reset(1);
        _time.Now = 10;
        Run();

        Assert.Equal(["slow", "middle"], order);
    }

    [Fact]
    public void ResetRejectsABadDelay()
    {
        var call = _queue.Schedule(5, () => { });

        Assert.Throws<ArgumentOutOfRangeException>(() => call.Reset(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => call.Reset(double.NaN));
        Assert.Equal(5, call.Time);
    }

    [Fact]
    public void DelayMovesTheCallRelativeToItsTime()
    {
        var call = _queue.Schedule(5, () => { });
        _time.Now = 3;

        call.Delay(2);
        Assert.Equal(7, call.Time);

        call.Delay(-6);
        Assert.Equal(1, call.Time);
        Assert.Equal(1, _queue.NextDueTime);
        Assert.Equal(1, Run());
    }

    [Fact]
    public void AResetCallRunsAfterOthersScheduledEarlierForTheSameTime()
    {
        var order = new List<string>();
        var first = _queue.Schedule(2, () => order.Add("first"));
        _queue.Schedule(3, () => order.Add("second"));

        first.Reset(3);
        _time.Now = 3;
        Run();

        Assert.Equal(["second", "first"], order);
    }

    [Fact]
    public void ACancelledCallReleasesItsCallable()
    {
        var weak = ScheduleWithCapturedObjectThenCancel(out var call);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.False(weak.IsAlive);
        GC.KeepAlive(call);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference ScheduleWithCapturedObjectThenCancel(out DelayedCall call)
    {
        var big = new byte[1024];
        call = _queue.Schedule(5, () => GC.KeepAlive(big));
        call.Cancel();
        return new WeakReference(big);
    }
}
