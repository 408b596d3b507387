using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class AsyncBuilderTests
{
    [Fact]
    public void SynchronousCompletionReturnsFiredDeferred()
    {
#pragma warning disable CS1998 // no await on purpose: the method completes synchronously
        static async Deferred<int> Sync() => 42;
        static async Deferred Nothing() { }
#pragma warning restore CS1998
        var d = Sync();
        Assert.True(d.Called);
        var got = 0;
        d.AddCallback(x => { got = x; });
        Assert.Equal(42, got);
        Assert.True(Nothing().Called);
    }

    [Fact]
    public void ExceptionBeforeFirstAwaitFailsTheDeferred()
    {
#pragma warning disable CS1998
        static async Deferred<int> Throws() => throw new NotSupportedException();
#pragma warning restore CS1998
        Failure? f = null;
        Throws().AddErrback(x => { f = x; return 0; });
        Assert.IsType<NotSupportedException>(f!.Value);
    }

    [Fact]
    public void SeveralAwaitsInSequence()
    {
        var a = new Deferred<int>();
        var b = new Deferred<int>();
        async Deferred<int> Sum() => await a + await b;
        var d = Sum();
        a.Callback(1);
        Assert.False(d.Called);
        b.Callback(2);
        var got = 0;
        d.AddCallback(x => { got = x; });
        Assert.Equal(3, got);
    }

    [Fact]
    public void UntypedAsyncDeferred()
    {
        var gate = new Deferred();
        var steps = new List<string>();
        async Deferred Work()
        {
            steps.Add("start");
            await gate;
            steps.Add("end");
        }
        var d = Work();
        Assert.IsType<Deferred>(d);
        Assert.Equal(new[] { "start" }, steps);
        gate.Callback();
        Assert.Equal(new[] { "start", "end" }, steps);
        Assert.True(d.Called);
    }

    [Fact]
    public void CancellingTheOuterCancelsTheAwaitedDeferred()
    {
        var innerCancelled = false;
        var inner = new Deferred<int>(_ => innerCancelled = true);
        Exception? seenAtAwait = null;
        async Deferred<int> Work()
        {
            try
            {
                return await inner;
            }
            catch (CancelledException e)
            {
                seenAtAwait = e;
                throw;
            }
        }
        var d = Work();
        Failure? f = null;
        d.AddErrback(x => { f = x; return 0; });
        d.Cancel();
        Assert.True(innerCancelled);
        Assert.IsType<CancelledException>(seenAtAwait);
        Assert.IsType<CancelledException>(f!.Value);
    }

    [Fact]
    public void MethodMayCatchCancellationAndGoOn()
    {
        var first = new Deferred<int>();
        var second = new Deferred<int>();
        async Deferred<string> Work()
        {
            try
            {
                await first;
                return "first";
            }
            catch (CancelledException)
            {
                return "recovered " + await second;
            }
        }
        var d = Work();
        d.Cancel();
        Assert.False(d.Called); // the method is now awaiting `second`
        second.Callback(2);
        string? got = null;
        d.AddCallback(s => { got = s; });
        Assert.Equal("recovered 2", got);
    }

    [Fact]
    public void CancelWhileAwaitingATaskFailsAtOnceAndIgnoresTheLateResult()
    {
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.None);
        async Deferred<int> Work() => await tcs.Task;
        var d = Work();
        Failure? f = null;
        d.AddErrback(x => { f = x; return 0; });
        d.Cancel();
        Assert.IsType<CancelledException>(f!.Value);
        tcs.SetResult(1); // the method finishes later; its result is dropped without AlreadyCalled
        Assert.True(d.Called);
    }

    private static readonly AsyncLocal<string?> _local = new();

    [Fact]
    public void AsyncLocalFlowsAcrossAnAwaitAndDoesNotLeakOut()
    {
        var gate = new Deferred<int>();
        string? seenAfterAwait = null;
        async Deferred Work()
        {
            _local.Value = "inside";
            await gate;
            seenAfterAwait = _local.Value;
        }
        _local.Value = "outside";
        var d = Work();
        Assert.Equal("outside", _local.Value); // the method's change stays in the method
        _local.Value = "changed by firer";
        gate.Callback(0);
        Assert.Equal("inside", seenAfterAwait);
        Assert.True(d.Called);
    }
}
