using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class ChainingTests
{
    [Fact]
    public void CallbackReturningUnfiredDeferredPausesUntilItFires()
    {
        var outer = new Deferred<int>();
        var inner = new Deferred<string>();
        string? seen = null;
        outer.AddCallback(_ => inner).AddCallback(s => { seen = s; });
        outer.Callback(1);
        Assert.Null(seen);
        Assert.True(outer.Paused);
        inner.Callback("inner");
        Assert.Equal("inner", seen);
        Assert.False(outer.Paused);
    }

    [Fact]
    public void AlreadyFiredInnerResultIsTakenAtOnceAndMoved()
    {
        var inner = Deferred.Succeed("x");
        var outer = new Deferred<int>();
        string? seen = null;
        outer.AddCallback(_ => inner).AddCallback(s => { seen = s; });
        outer.Callback(0);
        Assert.Equal("x", seen);
        // The result moved to the outer chain; the inner is left with None.
        string? later = "unset";
        inner.AddCallback(s => { later = s; });
        Assert.Null(later);
    }

    [Fact]
    public void CallbackReturningFailedDeferredGoesToErrbackPath()
    {
        var outer = new Deferred<int>();
        Failure? f = null;
        var skipped = true;
        outer.AddCallback(_ => Deferred.Fail<int>(new Failure(new InvalidDataException())))
             .AddCallback(_ => { skipped = false; })
             .AddErrback(x => { f = x; return Unit.Value; });
        outer.Callback(1);
        Assert.True(skipped);
        Assert.IsType<InvalidDataException>(f!.Value);
    }

    [Fact]
    public void InnerFailingLaterGoesToOuterErrbackPath()
    {
        var outer = new Deferred<int>();
        var inner = new Deferred<int>();
        Failure? f = null;
        outer.AddCallback(_ => inner).AddErrback(x => { f = x; return 0; });
        outer.Callback(1);
        inner.Errback(new IOException());
        Assert.IsType<IOException>(f!.Value);
    }

    [Fact]
    public void ErrbackReturningDeferredRecovers()
    {
        var d = new Deferred<int>();
        var inner = new Deferred<int>();
        var got = 0;
        d.AddErrback(_ => inner).AddCallback(x => { got = x; });
        d.Errback(new Exception());
        inner.Callback(5);
        Assert.Equal(5, got);
    }

    [Fact]
    public void PausedInnerIsWaitedFor()
    {
        var inner = Deferred.Succeed(1);
        inner.Pause();
        var outer = new Deferred<int>();
        var got = 0;
        outer.AddCallback(_ => inner).AddCallback(x => { got = x; });
        outer.Callback(0);
        Assert.Equal(0, got);
        inner.Unpause();
        Assert.Equal(1, got);
    }

    [Fact]
    public void CallbackReturningItsOwnDeferredFails()
    {
        var d = new Deferred<int>();
        Failure? f = null;
        d.AddCallback(_ => d).AddErrback(x => { f = x; return 0; });
        d.Callback(1);
        Assert.IsType<InvalidOperationException>(f!.Value);
        Assert.Contains("attached to", f.ErrorMessage);
    }

    [Fact]
    public void LongRunOfAlreadyFiredInnerDeferredsDoesNotOverflow()
    {
        const int n = 100_000;
        var d = new Deferred<int>();
        for (var i = 0; i < n; i++)
        {
            d = d.AddCallback(x => Deferred.Succeed(x + 1));
        }
        var result = -1;
        d.AddCallback(x => { result = x; });
        d.Callback(0);
        Assert.Equal(n, result);
    }

    [Fact]
    public void DeepNestOfWaitingDeferredsFiredAtTheEndDoesNotOverflow()
    {
        // Each Deferred's callback returns the next, still unfired: 100,000 chains each waiting on
        // the next. Firing the innermost must unwind them all without recursion.
        const int n = 100_000;
        var ds = new Deferred<int>[n];
        for (var i = 0; i < n; i++)
        {
            ds[i] = new Deferred<int>();
        }
        for (var i = 0; i < n - 1; i++)
        {
            var next = ds[i + 1];
            ds[i].AddCallback(_ => next);
        }
        // Build the nest from the outside in: each fire makes ds[i] wait on ds[i+1].
        for (var i = 0; i < n - 1; i++)
        {
            ds[i].Callback(0);
        }
        Assert.True(ds[0].Paused);
        ds[n - 1].Callback(77);
        Assert.False(ds[0].Paused);
        var final = -1;
        ds[0].AddCallback(x => { final = x; });
        Assert.Equal(77, final);
    }

    [Fact]
    public void DeepNestedChainedDeferredsPropagateOutward()
    {
        const int n = 100_000;
        var innermost = new Deferred<int>();
        var current = innermost;
        // outer_k = new Deferred fired with a callback returning outer_{k-1}; built so each waits on the previous.
        for (var i = 0; i < n; i++)
        {
            var waitOn = current;
            var next = new Deferred<int>();
            next.AddCallback(_ => waitOn);
            next.Callback(0);
            current = next;
        }
        var got = 0;
        current.AddCallback(x => { got = x; });
        Assert.Equal(0, got);
        innermost.Callback(99);
        Assert.Equal(99, got);
    }
}
