using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>DeferToThread and CallMultipleInThread on every backend, with a real running reactor.</summary>
public sealed class DeferToThreadTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheResultIsDeliveredOnTheLoopThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        Thread? loop = null, worker = null, callback = null;
        var value = 0;
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            ReactorThreads.DeferToThread(reactor, () =>
            {
                worker = Thread.CurrentThread;
                return 42;
            }).AddCallback(v =>
            {
                value = v;
                callback = Thread.CurrentThread;
                reactor.Stop();
            });
        });
        Assert.Equal(42, value);
        Assert.NotNull(worker);
        Assert.NotSame(loop, worker);
        Assert.Same(loop, callback);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnExceptionBecomesAFailureOnTheLoopThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        Thread? loop = null, errback = null;
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            ReactorThreads.DeferToThread<int>(reactor, () => throw new FormatException("in the pool"))
                .AddErrback(f =>
                {
                    failure = f;
                    errback = Thread.CurrentThread;
                    reactor.Stop();
                    return 0;
                });
        });
        Assert.IsType<FormatException>(failure?.Value);
        Assert.Equal("in the pool", failure!.ErrorMessage);
        Assert.Same(loop, errback);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheActionOverloadFiresWhenTheActionReturns(string name)
    {
        var reactor = ReactorNames.Create(name);
        var ran = false;
        var firedAfter = false;
        ReactorRunner.Run(reactor, () =>
        {
            ReactorThreads.DeferToThread(reactor, () => { ran = true; }).AddCallback(_ =>
            {
                firedAfter = ran;
                reactor.Stop();
            });
        });
        Assert.True(firedAfter);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallMultipleInThreadRunsTheCallsInOrderOnOneThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        var order = new List<int>();
        var threads = new HashSet<Thread>();
        Thread? loop = null;
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            var calls = Enumerable.Range(0, 5).Select(i => (Action)(() =>
            {
                order.Add(i);
                threads.Add(Thread.CurrentThread);
            })).Append(() => reactor.CallFromThread(reactor.Stop));
            ReactorThreads.CallMultipleInThread(reactor, calls);
        });
        Assert.Equal([0, 1, 2, 3, 4], order);
        var worker = Assert.Single(threads);
        Assert.NotSame(loop, worker);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ALoopingCallKeepsTickingWhileBlockingWorkRunsInAThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var thirdTick = new ManualResetEventSlim();
        var ticks = 0;
        var released = false;
        var ticksWhenReleased = 0;
        ReactorRunner.Run(reactor, () =>
        {
            var loop = new LoopingCall(reactor, () =>
            {
                if (++ticks == 3)
                {
                    thirdTick.Set();
                }
            });
            loop.Start(0.01);
            // The worker blocks until the loop's third tick: the reactor thread must stay free.
            ReactorThreads.DeferToThread(reactor, () => thirdTick.Wait(TimeSpan.FromSeconds(15))).AddCallback(ok =>
            {
                released = ok;
                ticksWhenReleased = ticks;
                loop.Stop();
                reactor.Stop();
            });
        });
        Assert.True(released);
        Assert.True(ticksWhenReleased >= 3);
    }
}
