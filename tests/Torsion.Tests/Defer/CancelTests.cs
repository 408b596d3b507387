using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class CancelTests
{
    [Fact]
    public void CancelWithoutCancellerFailsWithCancelledException()
    {
        var d = new Deferred<int>();
        Failure? f = null;
        d.AddErrback(x => { f = x; return 0; });
        d.Cancel();
        Assert.IsType<CancelledException>(f!.Value);
    }

    [Fact]
    public void LateCallbackAfterCancelWithoutCancellerIsSwallowedOnce()
    {
        var d = new Deferred<int>();
        d.AddErrback(_ => 0);
        d.Cancel();
        d.Callback(1); // swallowed: the producer did not know about the cancellation
        Assert.Throws<AlreadyCalledException>(() => d.Callback(2));
    }

    [Fact]
    public void CancellerRunsAndDefaultFailureFollowsIfItDidNotFire()
    {
        var ran = 0;
        var d = new Deferred<int>(_ => ran++);
        Failure? f = null;
        d.AddErrback(x => { f = x; return 0; });
        d.Cancel();
        Assert.Equal(1, ran);
        Assert.IsType<CancelledException>(f!.Value);
        // With a canceller there is no suppression: a late callback is a real error.
        Assert.Throws<AlreadyCalledException>(() => d.Callback(1));
    }

    [Fact]
    public void CancellerThatFiresDecidesTheResult()
    {
        var d = new Deferred<string>(self => self.Callback("cancelled-gracefully"));
        string? got = null;
        d.AddCallback(s => { got = s; });
        d.Cancel();
        Assert.Equal("cancelled-gracefully", got);
    }

    [Fact]
    public void CancelAfterFiringDoesNothing()
    {
        var ran = false;
        var d = new Deferred<int>(_ => ran = true);
        d.Callback(3);
        d.Cancel();
        var got = 0;
        d.AddCallback(x => { got = x; });
        Assert.False(ran);
        Assert.Equal(3, got);
    }

    [Fact]
    public void CancelWhileWaitingOnInnerCancelsTheInner()
    {
        var innerCancelled = false;
        var inner = new Deferred<int>(_ => innerCancelled = true);
        var outer = new Deferred<int>();
        Failure? f = null;
        outer.AddCallback(_ => inner).AddErrback(x => { f = x; return 0; });
        outer.Callback(0);
        outer.Cancel();
        Assert.True(innerCancelled);
        Assert.IsType<CancelledException>(f!.Value);
    }

    [Fact]
    public void UntypedDeferredCanceller()
    {
        Deferred? seen = null;
        var d = new Deferred(x => seen = x);
        d.AddErrback(_ => Unit.Value);
        d.Cancel();
        Assert.Same(d, seen);
    }
}
