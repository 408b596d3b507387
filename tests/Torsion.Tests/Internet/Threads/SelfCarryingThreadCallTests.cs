using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet;

/// <summary>
/// ReactorBase.CallFromThread(ThreadCall), the loop's queue of calls that carry themselves (ThreadCallQueue), on
/// every backend: nothing lost or run twice under many producers, each producer's order kept, a sleeping loop
/// woken, more calls than one pass runs all run, and a call that throws is logged without stopping the loop.
/// </summary>
public sealed class SelfCarryingThreadCallTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallsFromEightThreadsRunOnceEachOnTheLoopInEachThreadsOrder(string name)
    {
        const int Threads = 8, PerThread = 10_000;
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var lastSeen = new int[Threads];
        var outOfOrder = 0;
        var offLoop = 0;
        var total = 0;
        Thread? loop = null;
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            for (var t = 0; t < Threads; t++)
            {
                var id = t;
                new Thread(() =>
                {
                    for (var i = 1; i <= PerThread; i++)
                    {
                        var n = i;
                        reactor.CallFromThread(new TestThreadCall(() =>
                        {
                            if (Thread.CurrentThread != loop) offLoop++;
                            if (lastSeen[id] != n - 1) outOfOrder++;
                            lastSeen[id] = n;
                            if (++total == Threads * PerThread) reactor.Stop();
                        }, n));
                    }
                }) { IsBackground = true }.Start();
            }
        }, timeout: 60);
        Assert.Equal(Threads * PerThread, total);
        Assert.All(lastSeen, last => Assert.Equal(PerThread, last));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, offLoop);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ACallWakesALoopThatSleepsWithNoTimers(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var ran = false;
        long wakeUpsBefore = -1, wakeUpsAfter = -1;
        ReactorRunner.Run(reactor, () => reactor.CallLater(0, () =>
            new Thread(() =>
            {
                // Until the loop has readied itself to sleep: only a wake-up can end that wait.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!reactor.WakeUpNeeded && DateTime.UtcNow < deadline)
                {
                    Thread.Yield();
                }
                wakeUpsBefore = reactor.WakeUpsWritten;
                reactor.CallFromThread(new TestThreadCall(() =>
                {
                    ran = true;
                    wakeUpsAfter = reactor.WakeUpsWritten;
                    reactor.Stop();
                }, 0));
            }) { IsBackground = true }.Start()));
        Assert.True(ran, "the call never ran");
        Assert.Equal(wakeUpsBefore + 1, wakeUpsAfter);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void MoreCallsThanOnePassRunsAllRunAndATimerDueMeanwhileIsNotStarved(string name)
    {
        // Queued while the loop is held, 5,000 calls (a pass runs at most 1,024 of them); a timer due at once
        // runs after the first pass, before the calls are through, so a stream of calls cannot starve the loop.
        const int Count = 5_000;
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var ran = 0;
        var ranWhenTheTimerFired = -1;
        ReactorRunner.Run(reactor, () => reactor.CallLater(0, () =>
        {
            for (var i = 0; i < Count; i++)
            {
                reactor.CallFromThread(new TestThreadCall(() =>
                {
                    if (++ran == Count) reactor.Stop();
                }, i));
            }
            reactor.CallLater(0, () => ranWhenTheTimerFired = ran);
        }));
        Assert.Equal(Count, ran);
        Assert.InRange(ranWhenTheTimerFired, 0, Count - 1);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ACallThatThrowsIsLoggedAndTheCallsAfterItStillRun(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var marker = Guid.NewGuid().ToString();
        var expected = LoggedErrors.ExpectFailureMessage(marker);
        var after = false;
        ReactorRunner.Run(reactor, () => new Thread(() =>
        {
            reactor.CallFromThread(new TestThreadCall(() => throw new InvalidOperationException(marker), 1));
            reactor.CallFromThread(new TestThreadCall(() =>
            {
                after = true;
                reactor.Stop();
            }, 2));
        }) { IsBackground = true }.Start());
        Assert.True(after, "the call after the one that threw never ran");
        Assert.Equal(1, expected.Count);
    }
}
