namespace Torsion.Enterprise.Tests;

/// <summary>The pool's spinning workers: no work waits for a thread below the maximum, a sleeping worker wakes, Stop drains.</summary>
public sealed class WorkerPoolTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public void EveryPieceOfWorkUpToTheMaximumRunsAtOnce()
    {
        var pool = new WorkerPool(3, "test-workers");
        using var started = new CountdownEvent(3);
        using var gate = new ManualResetEventSlim();
        for (var i = 0; i < 3; i++)
        {
            pool.Post(() =>
            {
                started.Signal();
                gate.Wait(Wait);
            });
        }
        // All three run together: none waits behind another for a thread.
        Assert.True(started.Wait(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(3, pool.ThreadCount);
        gate.Set();
        pool.Stop();
        Assert.Equal(0, pool.ThreadCount);
    }

    [Fact]
    public void AWorkerThatWentToSleepWakesForNewWork()
    {
        var pool = new WorkerPool(1, "test-workers");
        using var done = new SemaphoreSlim(0);
        pool.Post(() => done.Release());
        Assert.True(done.Wait(Wait, TestContext.Current.CancellationToken));
        // Past its spin the worker sleeps; work posted then must still be run.
        Assert.True(SpinWait.SpinUntil(() => pool.Sleeping == 1, Wait));
        pool.Post(() => done.Release());
        Assert.True(done.Wait(Wait, TestContext.Current.CancellationToken));
        pool.Stop();
    }

    [Fact]
    public void StopRunsTheQueuedWorkThenJoinsTheWorkers()
    {
        var pool = new WorkerPool(1, "test-workers");
        using var gate = new ManualResetEventSlim();
        var ran = 0;
        pool.Post(() => gate.Wait(Wait));
        for (var i = 0; i < 5; i++)
        {
            pool.Post(() => Interlocked.Increment(ref ran));
        }
        gate.Set();
        pool.Stop();
        Assert.Equal(5, ran);
        Assert.Equal(0, pool.ThreadCount);
        Assert.Throws<InvalidOperationException>(() => pool.Post(() => { }));
    }
}
