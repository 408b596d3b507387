using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>CallFromThread and the thread pool, on every backend.</summary>
public sealed class ReactorThreadsTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallFromThreadFromEightThreadsLosesNothingAndKeepsPerThreadOrder(string name)
    {
        const int Threads = 8, PerThread = 10_000;
        var reactor = ReactorNames.Create(name);
        var lastSeen = new int[Threads];
        var outOfOrder = 0;
        var total = 0;
        ReactorRunner.Run(reactor, () =>
        {
            for (var t = 0; t < Threads; t++)
            {
                var id = t;
                new Thread(() =>
                {
                    for (var i = 1; i <= PerThread; i++)
                    {
                        var n = i;
                        reactor.CallFromThread(() =>
                        {
                            if (lastSeen[id] != n - 1) outOfOrder++;
                            lastSeen[id] = n;
                            if (++total == Threads * PerThread) reactor.Stop();
                        });
                    }
                }) { IsBackground = true }.Start();
            }
        }, timeout: 60);
        Assert.Equal(Threads * PerThread, total);
        Assert.Equal(0, outOfOrder);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallFromThreadWakesALoopWaitingWithNoTimers(string name)
    {
        var reactor = ReactorNames.Create(name);
        var ranOnLoop = false;
        Thread? loop = null;
        using var loopIsIdle = new ManualResetEventSlim();
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            // Nothing is scheduled, so the loop now blocks in its poller with no timeout: only the
            // waker can end that wait. The watchdog timer is the only timer and it is far away.
            new Thread(() =>
            {
                loopIsIdle.Wait();
                reactor.CallFromThread(() =>
                {
                    ranOnLoop = Thread.CurrentThread == loop;
                    reactor.Stop();
                });
            }) { IsBackground = true }.Start();
            reactor.CallLater(0, loopIsIdle.Set);
        });
        Assert.True(ranOnLoop);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallInThreadRunsOffTheLoopAndThePoolStopsAtShutdown(string name)
    {
        var reactor = ReactorNames.Create(name);
        Thread? loop = null, worker = null;
        var pool = reactor.GetThreadPool();
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            reactor.CallInThread(() =>
            {
                worker = Thread.CurrentThread;
                reactor.CallFromThread(reactor.Stop);
            });
        });
        Assert.NotNull(worker);
        Assert.NotSame(loop, worker);
        // Stopped during shutdown: its threads are gone and it takes no more work.
        Assert.Equal(0, pool.ThreadCount);
        Assert.Throws<InvalidOperationException>(() => pool.CallInThread(() => { }));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void SuggestThreadPoolSizeBoundsThePool(string name)
    {
        var reactor = ReactorNames.Create(name);
        reactor.SuggestThreadPoolSize(3);
        var pool = reactor.GetThreadPool();
        Assert.Equal(3, pool.MaxThreads);
        var running = 0;
        var done = 0;
        var threadsWhileBlocked = -1;
        var runningWhileBlocked = -1;
        using var gate = new ManualResetEventSlim();
        ReactorRunner.Run(reactor, () =>
        {
            // Twelve items that all block until released: a bounded pool runs exactly three of them
            // and queues the rest; an unbounded one would start a thread for each.
            for (var i = 0; i < 12; i++)
            {
                reactor.CallInThread(() =>
                {
                    Interlocked.Increment(ref running);
                    gate.Wait(TimeSpan.FromSeconds(30));
                    Interlocked.Decrement(ref running);
                    if (Interlocked.Increment(ref done) == 12) reactor.CallFromThread(reactor.Stop);
                });
            }
            reactor.CallLater(0, WaitForThree);
            void WaitForThree()
            {
                if (Volatile.Read(ref running) < 3)
                {
                    reactor.CallLater(0.005, WaitForThree);
                    return;
                }
                threadsWhileBlocked = pool.ThreadCount;
                runningWhileBlocked = Volatile.Read(ref running);
                gate.Set();
            }
        });
        Assert.Equal(12, done);
        Assert.Equal(3, threadsWhileBlocked);
        Assert.Equal(3, runningWhileBlocked);
    }
}
