using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class AwaitTests
{
    private static async Deferred<int> AddOne(Deferred<int> d) => await d + 1;

    [Fact]
    public void AwaitResumesSynchronouslyWhenFired()
    {
        var d = new Deferred<int>();
        var thread = Environment.CurrentManagedThreadId;
        var resumedOn = -1;
        var result = AddOne(d);
        result.AddCallback(x => { resumedOn = Environment.CurrentManagedThreadId; return x; });
        Assert.False(result.Called);
        d.Callback(1);
        Assert.True(result.Called); // no thread-pool hop: fired inline
        Assert.Equal(thread, resumedOn);
        var got = 0;
        result.AddCallback(x => { got = x; });
        Assert.Equal(2, got);
    }

    [Fact]
    public void AwaitOfFailureThrowsTheOriginalException()
    {
        var d = new Deferred<int>();
        var result = AddOne(d);
        Failure? f = null;
        result.AddErrback(x => { f = x; return 0; });
        d.Errback(new InvalidTimeZoneException("tz"));
        Assert.IsType<InvalidTimeZoneException>(f!.Value);
        Assert.Equal("tz", f.ErrorMessage);
    }

    [Fact]
    public void AwaitConsumesTheResult()
    {
        var d = new Deferred<int>();
        _ = AddOne(d);
        d.Callback(5);
        var after = -1;
        d.AddCallback(x => { after = x; });
        Assert.Equal(0, after); // like a callback returning None
    }

    [Fact]
    public void AwaitAlreadyFiredDeferredCompletesSynchronously()
    {
        var result = AddOne(Deferred.Succeed(10));
        Assert.True(result.Called);
        var got = 0;
        result.AddCallback(x => { got = x; });
        Assert.Equal(11, got);
    }

    [Fact]
    public async Task AwaitWorksFromATaskAsyncMethod()
    {
        var d = new Deferred<string>();
        async Task<string> Run() => (await d).ToUpperInvariant();
        var task = Run();
        Assert.False(task.IsCompleted);
        d.Callback("hi");
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal("HI", await task);
    }

    [Fact]
    public void AwaitPausedDeferredWaitsForUnpause()
    {
        var d = Deferred.Succeed(1);
        d.Pause();
        var result = AddOne(d);
        Assert.False(result.Called);
        d.Unpause();
        Assert.True(result.Called);
    }
}
