using System.Collections.Concurrent;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// Thread calls a worker keeps back (HeldThreadCalls, ReactorBase.AddHeldCalls): taken whole and oldest first,
/// never lost or taken twice, and taken by the loop itself whether it is idle or kept busy, so a call kept
/// back never waits on the worker that holds it.
/// </summary>
public sealed class HeldThreadCallTests
{
    [Fact]
    public void CallsComeOutOldestFirstAndOnce()
    {
        var held = new HeldThreadCalls();
        Assert.Null(held.TakeAll(out var none));
        Assert.Null(none);
        var calls = Enumerable.Range(1, 3).Select(n => new TestThreadCall(() => { }, n)).ToArray();
        Assert.True(held.Push(calls[0]));
        Assert.False(held.Push(calls[1]));
        Assert.False(held.Push(calls[2]));
        var first = held.TakeAll(out var last);
        Assert.Same(calls[0], first);
        Assert.Same(calls[2], last);
        Assert.Same(calls[1], calls[0].NextCall);
        Assert.Same(calls[2], calls[1].NextCall);
        Assert.Null(calls[2].NextCall);
        Assert.Null(held.TakeAll(out _));
        Assert.True(held.Push(calls[0]));
    }

    [Fact]
    public void ConcurrentPushersAndATakerLoseNothingAndKeepEachPushersOrder()
    {
        const int Pushers = 4, PerPusher = 20_000;
        var held = new HeldThreadCalls();
        var taken = new List<TestThreadCall>();
        var done = 0;
        var pushers = Enumerable.Range(0, Pushers).Select(p => new Thread(() =>
        {
            for (var i = 0; i < PerPusher; i++)
            {
                held.Push(new TestThreadCall(() => { }, (p * PerPusher) + i));
            }
            Interlocked.Increment(ref done);
        }) { IsBackground = true }).ToList();
        pushers.ForEach(t => t.Start());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var finished = Volatile.Read(ref done) == Pushers;
            for (var call = (TestThreadCall?)held.TakeAll(out _); call is not null; call = (TestThreadCall?)call.NextCall)
            {
                taken.Add(call);
            }
            if (finished)
            {
                break;
            }
        }
        Assert.All(pushers, t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));
        Assert.Equal(Pushers * PerPusher, taken.Count);
        Assert.Equal(Pushers * PerPusher, taken.Select(c => c.N).Distinct().Count());
        for (var p = 0; p < Pushers; p++)
        {
            var own = taken.Where(c => c.N / PerPusher == p).Select(c => c.N).ToList();
            Assert.Equal(own.OrderBy(n => n), own);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ALoopThatRunsOutOfWorkTakesCallsKeptBackAndRunsThemInOrder(string name)
    {
        // The worker keeps two calls back while the loop is busy (held in a callback until the pushes are done)
        // and never hands them over: the loop, left with nothing to do, must take them itself, while it spins
        // for an awaited result or before it sleeps. (A worker that pushes while the loop already sleeps hands
        // its calls over itself: the test below.)
        foreach (var awaiting in new[] { true, false })
        {
            var reactor = (ReactorBase)ReactorNames.Create(name);
            var held = new HeldThreadCalls();
            var ran = new ConcurrentQueue<int>();
            Thread? loop = null;
            var onLoop = true;
            var pushed = false;
            ReactorRunner.Run(reactor, () => reactor.CallLater(0, () =>
            {
                loop = Thread.CurrentThread;
                reactor.AddHeldCalls(held);
                if (awaiting)
                {
                    reactor.BeginAwaitingThreadCall();
                }
                var pusher = new Thread(() =>
                {
                    held.Push(new TestThreadCall(() => { onLoop &= Thread.CurrentThread == loop; ran.Enqueue(1); }, 1));
                    held.Push(new TestThreadCall(() =>
                    {
                        onLoop &= Thread.CurrentThread == loop;
                        ran.Enqueue(2);
                        if (awaiting)
                        {
                            reactor.EndAwaitingThreadCall();
                        }
                        reactor.Stop();
                    }, 2));
                }) { IsBackground = true };
                pusher.Start();
                pushed = pusher.Join(TimeSpan.FromSeconds(30));
            }), timeout: 30);
            Assert.True(pushed, "the pushing thread never finished");
            Assert.Equal(new[] { 1, 2 }, ran.ToArray());
            Assert.True(onLoop, "a call kept back ran off the loop thread");
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ABusyLoopStillTakesACallKeptBack(string name)
    {
        // A timer re-armed at 0 keeps the loop from ever spinning or sleeping: it takes the kept call in a pass.
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var held = new HeldThreadCalls();
        var ran = false;
        var passes = 0;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.AddHeldCalls(held);
            void Busy()
            {
                passes++;
                if (!ran)
                {
                    reactor.CallLater(0, Busy);
                }
            }
            reactor.CallLater(0, Busy);
            new Thread(() => held.Push(new TestThreadCall(() =>
            {
                ran = true;
                reactor.Stop();
            }, 1))) { IsBackground = true }.Start();
        }, timeout: 30);
        Assert.True(ran);
        Assert.True(passes > 0);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AWorkerThatKeepsACallBackAsTheLoopGoesToSleepHandsItOverItself(string name)
    {
        // The worker's side of the protocol: push, then read WakeUpNeeded, and hand everything over when the
        // loop sleeps or is about to. Pushed only once the loop has readied itself to sleep (and looked at the
        // held calls for the last time), the call must be handed over by the worker with a wake-up: left kept
        // back, it would wait for the runner's watchdog and the test would fail.
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var held = new HeldThreadCalls();
        var ran = false;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.AddHeldCalls(held);
            reactor.CallLater(0, () => new Thread(() =>
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!reactor.WakeUpNeeded && DateTime.UtcNow < deadline)
                {
                    Thread.Yield();
                }
                PushAsAWorkerDoes(reactor, held, new TestThreadCall(() =>
                {
                    ran = true;
                    reactor.Stop();
                }, 1));
            }) { IsBackground = true }.Start());
        }, timeout: 30);
        Assert.True(ran);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ALoopWhoseSleepIsBoundedTakesACallKeptBackWithoutBeingWoken(string name)
    {
        // Where workers may keep calls back from a sleeping loop (KeepsBackWhileAsleep, by default on one CPU),
        // the loop with a result awaited sleeps at most HeldCallSleepMs and says so (HeldCallsMayWait). A call
        // pushed after the loop readied itself to sleep, and never handed over, must still run, with no wake-up
        // written: left until the runner's watchdog, the test fails.
        var reactor = (ReactorBase)ReactorNames.Create(name);
        reactor.KeepsBackWhileAsleep = true;
        reactor.ThreadCallSpinTicksHere = 0;
        var held = new HeldThreadCalls();
        var ran = false;
        var sawBoundedSleep = false;
        long wakeUpsAtPush = -1, wakeUpsAtRun = -1;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.AddHeldCalls(held);
            reactor.BeginAwaitingThreadCall();
            reactor.CallLater(0, () => new Thread(() =>
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!(reactor.WakeUpNeeded && reactor.HeldCallsMayWait) && DateTime.UtcNow < deadline)
                {
                    Thread.Yield();
                }
                sawBoundedSleep = reactor.WakeUpNeeded && reactor.HeldCallsMayWait;
                wakeUpsAtPush = reactor.WakeUpsWritten;
                PushAsAWorkerDoes(reactor, held, new TestThreadCall(() =>
                {
                    ran = true;
                    wakeUpsAtRun = reactor.WakeUpsWritten;
                    reactor.EndAwaitingThreadCall();
                    reactor.Stop();
                }, 1));
            }) { IsBackground = true }.Start());
        }, timeout: 30);
        Assert.True(sawBoundedSleep, "the loop never slept with a bound");
        Assert.True(ran);
        Assert.Equal(wakeUpsAtPush, wakeUpsAtRun);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ALoopThatMayNotBeKeptWaitingNeverSaysItsSleepIsBounded(string name)
    {
        // Without KeepsBackWhileAsleep (the default with two or more CPUs) a sleeping loop must be woken for kept
        // calls: HeldCallsMayWait stays false, so a worker hands its calls over (the test above it, the other way).
        var reactor = (ReactorBase)ReactorNames.Create(name);
        reactor.KeepsBackWhileAsleep = false;
        reactor.ThreadCallSpinTicksHere = 0;
        var held = new HeldThreadCalls();
        var ran = false;
        var mayWait = true;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.AddHeldCalls(held);
            reactor.BeginAwaitingThreadCall();
            reactor.CallLater(0, () => new Thread(() =>
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!reactor.WakeUpNeeded && DateTime.UtcNow < deadline)
                {
                    Thread.Yield();
                }
                mayWait = reactor.HeldCallsMayWait;
                PushAsAWorkerDoes(reactor, held, new TestThreadCall(() =>
                {
                    ran = true;
                    reactor.EndAwaitingThreadCall();
                    reactor.Stop();
                }, 1));
            }) { IsBackground = true }.Start());
        }, timeout: 30);
        Assert.False(mayWait, "the loop said its sleep was bounded");
        Assert.True(ran);
    }

    // The worker's side of the protocol, as ConnectionPool.HandBack follows it: push, then read WakeUpNeeded and
    // after it HeldCallsMayWait, and hand everything over (with a wake-up) only to a loop that sleeps, or is
    // about to, with no bound on its sleep.
    private static void PushAsAWorkerDoes(ReactorBase reactor, HeldThreadCalls held, ThreadCall call)
    {
        held.Push(call);
        if (reactor.WakeUpNeeded && !reactor.HeldCallsMayWait && held.TakeAll(out var last) is { } first)
        {
            reactor.CallFromThread(first, last!);
        }
    }
}
