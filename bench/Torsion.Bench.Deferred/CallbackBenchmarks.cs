using BenchmarkDotNet.Attributes;
using Torsion.Defer;

namespace Torsion.Bench.Callbacks;

/// <summary>
/// One shape, four mechanisms: a chain of <see cref="Length"/> callbacks that each add one to an
/// int, either added to a result that is already there ("fired") or added first and then fired
/// ("later"). The same shapes in Twisted are in bench/deferred_twisted.py.
/// </summary>
[MemoryDiagnoser]
public class CallbackBenchmarks
{
    private static readonly Func<int, int> AddOne = static x => x + 1;
    private static readonly Func<Task<int>, int> TaskAddOne = static t => t.Result + 1;

    /// <summary>Callbacks in the chain.</summary>
    [Params(1, 10)]
    public int Length { get; set; }

    // ---- Torsion Deferred<T> -------------------------------------------------------------------

    /// <summary>Deferred.Succeed(0), then AddCallback x Length: each callback runs as it is added.</summary>
    [Benchmark(Baseline = true)]
    public int DeferredFired()
    {
        var d = Deferred.Succeed(0);
        for (var i = 0; i < Length; i++)
        {
            d = d.AddCallback(AddOne);
        }
        return Result(d);
    }

    /// <summary>new Deferred, AddCallback x Length, then Callback(0): the chain runs on firing.</summary>
    [Benchmark]
    public int DeferredLater()
    {
        var source = new Deferred<int>();
        var d = source;
        for (var i = 0; i < Length; i++)
        {
            d = d.AddCallback(AddOne);
        }
        source.Callback(0);
        return Result(d);
    }

    /// <summary>async Deferred methods awaiting each other, Length deep, over an unfired Deferred.</summary>
    [Benchmark]
    public int DeferredAwaitLater()
    {
        var source = new Deferred<int>();
        var d = source;
        for (var i = 0; i < Length; i++)
        {
            d = AwaitDeferred(d);
        }
        source.Callback(0);
        return Result(d);
    }

    private static async Deferred<int> AwaitDeferred(Deferred<int> d) => await d + 1;

    private static int Result(Deferred<int> d)
    {
        var r = 0;
        d.AddCallback(x => r = x);
        return r;
    }

    // ---- Task.ContinueWith (ExecuteSynchronously) ------------------------------------------------

    /// <summary>Task.FromResult(0), then ContinueWith(ExecuteSynchronously) x Length.</summary>
    [Benchmark]
    public int ContinueWithFired()
    {
        var t = Task.FromResult(0);
        for (var i = 0; i < Length; i++)
        {
            t = t.ContinueWith(TaskAddOne, TaskContinuationOptions.ExecuteSynchronously);
        }
        return t.Result;
    }

    /// <summary>TaskCompletionSource, ContinueWith(ExecuteSynchronously) x Length, then SetResult(0).</summary>
    [Benchmark]
    public int ContinueWithLater()
    {
        var source = new TaskCompletionSource<int>();
        var t = source.Task;
        for (var i = 0; i < Length; i++)
        {
            t = t.ContinueWith(TaskAddOne, TaskContinuationOptions.ExecuteSynchronously);
        }
        source.SetResult(0);
        return t.Result;
    }

    // ---- await on Task -----------------------------------------------------------------------------

    /// <summary>async Task methods awaiting each other, Length deep, over a completed task.</summary>
    [Benchmark]
    public int AwaitTaskFired()
    {
        var t = Task.FromResult(0);
        for (var i = 0; i < Length; i++)
        {
            t = AwaitTask(t);
        }
        return t.Result;
    }

    /// <summary>async Task methods awaiting each other, Length deep, over a TaskCompletionSource set afterwards.</summary>
    [Benchmark]
    public int AwaitTaskLater()
    {
        var source = new TaskCompletionSource<int>();
        var t = source.Task;
        for (var i = 0; i < Length; i++)
        {
            t = AwaitTask(t);
        }
        source.SetResult(0);
        return t.Result;
    }

    private static async Task<int> AwaitTask(Task<int> t) => await t + 1;
}
