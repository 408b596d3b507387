using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class LockSemaphoreQueueTests
{
    [Fact]
    public void LockServesWaitersInOrder()
    {
        var l = new DeferredLock();
        var order = new List<int>();
        l.Acquire().AddCallback(_ => { order.Add(1); });
        l.Acquire().AddCallback(_ => { order.Add(2); });
        l.Acquire().AddCallback(_ => { order.Add(3); });
        Assert.Equal(new[] { 1 }, order);
        l.Release();
        Assert.Equal(new[] { 1, 2 }, order);
        l.Release();
        l.Release();
        Assert.Equal(new[] { 1, 2, 3 }, order);
        Assert.False(l.Locked);
        Assert.Throws<InvalidOperationException>(l.Release);
    }

    [Fact]
    public void CancellingAPendingAcquireRemovesIt()
    {
        var l = new DeferredLock();
        l.Acquire();
        var waiting = l.Acquire();
        waiting.AddErrback(_ => l);
        waiting.Cancel();
        l.Release();
        Assert.False(l.Locked);
    }

    [Fact]
    public void LockRunReleasesAfterTheDeferredFires()
    {
        var l = new DeferredLock();
        var inner = new Deferred<int>();
        var result = l.Run(() => inner);
        Assert.True(l.Locked);
        inner.Callback(4);
        Assert.False(l.Locked);
        var got = 0;
        result.AddCallback(x => { got = x; });
        Assert.Equal(4, got);

        Failure? f = null;
        l.Run(new Func<Deferred<int>>(() => throw new ApplicationException())).AddErrback(x => { f = x; return 0; });
        Assert.IsType<ApplicationException>(f!.Value);
        Assert.False(l.Locked);
    }

    [Fact]
    public void SemaphoreLimitsHolders()
    {
        var s = new DeferredSemaphore(2);
        Assert.Equal(2, s.Limit);
        var a = s.Acquire();
        var b = s.Acquire();
        var c = s.Acquire();
        Assert.True(a.Called && b.Called);
        Assert.False(c.Called);
        Assert.Equal(0, s.Tokens);
        s.Release();
        Assert.True(c.Called);
        Assert.Equal(0, s.Tokens);
        s.Release();
        s.Release();
        Assert.Equal(2, s.Tokens);
        Assert.Throws<InvalidOperationException>(s.Release);
        Assert.Equal(5, Unwrap(s.Run(() => 5)));
        Assert.Equal(2, s.Tokens);
    }

    [Fact]
    public void QueueHandsItemsToGetters()
    {
        var q = new DeferredQueue<string>(size: 1, backlog: 1);
        var g = q.Get();
        Assert.False(g.Called);
        Assert.Throws<QueueUnderflowException>(() => q.Get());
        q.Put("a");
        Assert.Equal("a", Unwrap(g));
        q.Put("b");
        Assert.Throws<QueueOverflowException>(() => q.Put("c"));
        Assert.Equal("b", Unwrap(q.Get()));
    }

    [Fact]
    public void CancellingAPendingGetRemovesTheWaiter()
    {
        var q = new DeferredQueue<int>();
        var g = q.Get();
        g.AddErrback(_ => -1);
        g.Cancel();
        Assert.Equal(0, q.WaitingCount);
        q.Put(3);
        Assert.Equal(1, q.PendingCount);
    }

    private static T Unwrap<T>(Deferred<T> d)
    {
        T result = default!;
        var done = false;
        d.AddCallback(x => { result = x; done = true; });
        Assert.True(done);
        return result;
    }
}
