using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class ChainTests
{
    [Fact]
    public void CallbacksReceiveThePreviousResult()
    {
        var d = new Deferred<int>();
        string? seen = null;
        d.AddCallback(x => x + 1).AddCallback(x => $"v{x}").AddCallback(s => { seen = s; });
        Assert.Null(seen);
        d.Callback(41);
        Assert.Equal("v42", seen);
    }

    [Fact]
    public void CallbackAddedAfterFiringRunsAtOnce()
    {
        var d = Deferred.Succeed(5);
        var seen = 0;
        d.AddCallback(x => { seen = x; });
        Assert.Equal(5, seen);
    }

    [Fact]
    public void TypedViewsShareOneChain()
    {
        var d = new Deferred<int>();
        var view = d.AddCallback(x => x.ToString());
        var other = new Deferred<int>();
        Assert.Same(other, other.AddCallback(x => x + 1)); // type unchanged → the same object
        d.Callback(1);
        Assert.True(view.Called); // the view sees the one chain's state
        string? seen = null;
        view.AddCallback(s => { seen = s; });
        Assert.Equal("1", seen);
        Assert.Throws<AlreadyCalledException>(() => view.Callback("again"));
    }

    [Fact]
    public void ThrowingCallbackSwitchesToErrbackPath()
    {
        var d = new Deferred<int>();
        var skipped = false;
        Failure? caught = null;
        d.AddCallback(new Func<int, int>(_ => throw new InvalidOperationException("boom")))
         .AddCallback(_ => { skipped = true; })
         .AddErrback(f => { caught = f; return Unit.Value; });
        d.Callback(1);
        Assert.False(skipped);
        Assert.NotNull(caught);
        Assert.IsType<InvalidOperationException>(caught!.Value);
        Assert.Equal("boom", caught.ErrorMessage);
    }

    [Fact]
    public void ErrbackReturningValueSwitchesBackToCallbacks()
    {
        var d = new Deferred<int>();
        var result = 0;
        d.AddErrback(f => 7).AddCallback(x => { result = x * 2; });
        d.Errback(new Exception("bad"));
        Assert.Equal(14, result);
    }

    [Fact]
    public void ErrbackReturningFailureStaysOnErrbackPath()
    {
        var d = new Deferred<int>();
        var calls = new List<string>();
        d.AddErrback(f => { calls.Add("eb1"); return new Failure(new ArgumentException("wrapped", f.Value)); })
         .AddCallback(_ => { calls.Add("cb"); })
         .AddErrback(f => { calls.Add("eb2:" + f.Type.Name); return Unit.Value; });
        d.Errback(new Exception("bad"));
        Assert.Equal(new[] { "eb1", "eb2:ArgumentException" }, calls);
    }

    [Fact]
    public void TrapRethrowsUnmatchedFailures()
    {
        var d = new Deferred<int>();
        Failure? last = null;
        d.AddErrback(f => { f.Trap<ArgumentException>(); return 0; })
         .AddErrback(f => { last = f; return 1; });
        d.Errback(new InvalidOperationException("other"));
        Assert.IsType<InvalidOperationException>(last!.Value);
    }

    [Fact]
    public void AddCallbacksRunsExactlyOneOfThePair()
    {
        var ok = new Deferred<int>();
        var bad = new Deferred<int>();
        var a = ok.AddCallbacks(x => "cb" + x, f => "eb");
        var b = bad.AddCallbacks(x => "cb" + x, f => "eb");
        string? ra = null, rb = null;
        a.AddCallback(s => { ra = s; });
        b.AddCallback(s => { rb = s; });
        ok.Callback(1);
        bad.Errback(new Exception());
        Assert.Equal("cb1", ra);
        Assert.Equal("eb", rb);
    }

    [Fact]
    public void AddBothActionPassesResultAndFailureThrough()
    {
        var ran = 0;
        var d1 = new Deferred<int>();
        var v = 0;
        d1.AddBoth(() => ran++).AddCallback(x => { v = x; });
        d1.Callback(3);
        var d2 = new Deferred<int>();
        Failure? f2 = null;
        d2.AddBoth(() => ran++).AddErrback(f => { f2 = f; return 0; });
        d2.Errback(new TimeoutException());
        Assert.Equal(2, ran);
        Assert.Equal(3, v);
        Assert.IsType<TimeoutException>(f2!.Value);
    }

    [Fact]
    public void AddBothOutcomeSeesEitherAndCanRecover()
    {
        var d = new Deferred<int>();
        string? seen = null;
        d.AddBoth(o => o.Succeeded ? $"ok {o.Value}" : $"failed {o.Failure!.Type.Name}")
         .AddCallback(s => { seen = s; });
        d.Errback(new FormatException());
        Assert.Equal("failed FormatException", seen);

        var d2 = new Deferred<int>();
        Failure? f = null;
        d2.AddBoth(o => o.GetValueOrThrow() + 1).AddErrback(x => { f = x; return 0; });
        d2.Errback(new FormatException());
        Assert.IsType<FormatException>(f!.Value);
    }

    [Fact]
    public void FiringTwiceThrowsAlreadyCalled()
    {
        var d = new Deferred<int>();
        d.Callback(1);
        Assert.Throws<AlreadyCalledException>(() => d.Callback(2));
        Assert.Throws<AlreadyCalledException>(() => d.Errback(new Exception()));
    }

    [Fact]
    public void PauseHoldsCallbacksUntilUnpause()
    {
        var d = new Deferred<int>();
        var seen = new List<int>();
        d.Pause();
        d.Pause();
        d.AddCallback(x => { seen.Add(x); });
        d.Callback(9);
        Assert.Empty(seen);
        Assert.True(d.Paused);
        d.Unpause();
        Assert.Empty(seen);
        d.Unpause();
        Assert.Equal(new[] { 9 }, seen);
        Assert.Throws<InvalidOperationException>(() => d.Unpause());
    }

    [Fact]
    public void CallbackAddedFromInsideACallbackRunsAfterIt()
    {
        var d = new Deferred<int>();
        var order = new List<string>();
        d.AddCallback(x => { order.Add("first"); d.AddCallback(_ => { order.Add("nested"); }); return x; })
         .AddCallback(x => { order.Add("second"); return x; });
        d.Callback(1);
        Assert.Equal(new[] { "first", "second", "nested" }, order);
    }

    [Fact]
    public void ChainDeferredHandsResultOn()
    {
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        var got = 0;
        b.AddCallback(x => { got = x; });
        a.ChainDeferred(b);
        a.Callback(12);
        Assert.Equal(12, got);

        var c = new Deferred<int>();
        var e = new Deferred<int>();
        Failure? f = null;
        e.AddErrback(x => { f = x; return 0; });
        c.ChainDeferred(e);
        c.Errback(new ArithmeticException());
        Assert.IsType<ArithmeticException>(f!.Value);
    }

    [Fact]
    public void SucceedFailAndMaybeDeferred()
    {
        Assert.True(Deferred.Succeed().Called);
        int? v = null;
        Deferred.MaybeDeferred(() => 3).AddCallback(x => { v = x; });
        Assert.Equal(3, v);
        Failure? f = null;
        Deferred.MaybeDeferred(new Func<int>(() => throw new DivideByZeroException())).AddErrback(x => { f = x; return 0; });
        Assert.IsType<DivideByZeroException>(f!.Value);
        Failure? g = null;
        Deferred.Fail<int>(new Failure(new KeyNotFoundException())).AddErrback(x => { g = x; return 0; });
        Assert.IsType<KeyNotFoundException>(g!.Value);
        var inner = new Deferred<string>();
        Assert.Same(inner, Deferred.MaybeDeferred(() => inner));
    }

    [Fact]
    public void UntypedDeferredCallbackWithNoValue()
    {
        var d = new Deferred();
        var ran = false;
        d.AddCallback(_ => { ran = true; });
        d.Callback();
        Assert.True(ran);
    }
}
