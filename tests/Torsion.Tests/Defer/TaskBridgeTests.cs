using Torsion.Defer;

namespace Torsion.Tests.Defer;

public class TaskBridgeTests
{
    [Fact]
    public void FromCompletedTaskFiresAtOnce()
    {
        var d = Deferred.FromTask(Task.FromResult(3));
        Assert.True(d.Called);
        var got = 0;
        d.AddCallback(x => { got = x; });
        Assert.Equal(3, got);
    }

    [Fact]
    public void FromTaskFiresWhenTheTaskCompletes()
    {
        var tcs = new TaskCompletionSource<string>();
        var d = Deferred.FromTask(tcs.Task);
        Assert.False(d.Called);
        tcs.SetResult("late"); // no SynchronizationContext here: fires on the completing thread, inline
        string? got = null;
        d.AddCallback(s => { got = s; });
        Assert.Equal("late", got);
    }

    [Fact]
    public void FromFaultedAndCancelledTasks()
    {
        Failure? f = null;
        Deferred.FromTask(Task.FromException<int>(new IOException())).AddErrback(x => { f = x; return 0; });
        Assert.IsType<IOException>(f!.Value);
        Failure? c = null;
        Deferred.FromTask(Task.FromCanceled<int>(new CancellationToken(true))).AddErrback(x => { c = x; return 0; });
        Assert.IsType<CancelledException>(c!.Value);
        Failure? u = null;
        Deferred.FromTask(Task.FromException(new IOException())).AddErrback(x => { u = x; return Unit.Value; });
        Assert.IsType<IOException>(u!.Value);
    }

    [Fact]
    public void FromTaskPostsToTheCapturedSynchronizationContext()
    {
        var context = new QueueingContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Deferred<int> d;
        TaskCompletionSource<int> tcs = new();
        try
        {
            d = Deferred.FromTask(tcs.Task);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        tcs.SetResult(1);
        Assert.False(d.Called); // posted, not run on the completing thread
        context.RunAll();
        Assert.True(d.Called);
    }

    [Fact]
    public async Task AsTaskCompletesFaultsAndCancels()
    {
        var ok = new Deferred<int>();
        var t1 = ok.AsTask();
        ok.Callback(2);
        Assert.Equal(2, await t1);

        var bad = new Deferred<int>();
        var t2 = bad.AsTask();
        bad.Errback(new IOException());
        Assert.IsType<IOException>(t2.Exception!.InnerException);

        var cancelled = new Deferred<int>();
        var t3 = cancelled.AsTask();
        cancelled.Cancel();
        Assert.True(t3.IsCanceled);
    }

    [Fact]
    public void AsTaskConsumesTheResult()
    {
        var d = new Deferred<int>();
        _ = d.AsTask();
        d.Errback(new IOException());
        var after = -1;
        d.AddCallback(x => { after = x; }); // the failure was handed to the task
        Assert.Equal(0, after);
    }

    private sealed class QueueingContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback, object?)> _work = new();

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (_work) _work.Enqueue((d, state));
        }

        public void RunAll()
        {
            while (true)
            {
                (SendOrPostCallback, object?) item;
                lock (_work)
                {
                    if (_work.Count == 0) return;
                    item = _work.Dequeue();
                }
                item.Item1(item.Item2);
            }
        }
    }
}
