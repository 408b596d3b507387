using System.Runtime.ExceptionServices;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>BlockingCallFromThread on every backend, with a real running reactor.</summary>
public sealed class BlockingCallFromThreadTests
{
    /// <summary>Runs <paramref name="work"/> on a plain thread while the reactor runs; it stops the reactor when done.</summary>
    private static void RunOnWorker(IReactor reactor, Action<Thread> work)
    {
        ExceptionDispatchInfo? error = null;
        ReactorRunner.Run(reactor, () =>
        {
            var loop = Thread.CurrentThread;
            new Thread(() =>
            {
                try
                {
                    work(loop);
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    reactor.CallFromThread(reactor.Stop);
                }
            }) { IsBackground = true }.Start();
        });
        error?.Throw();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void RunsOnTheLoopThreadAndReturnsTheValue(string name)
    {
        var reactor = ReactorNames.Create(name);
        var result = false;
        RunOnWorker(reactor, loop => result = ReactorThreads.BlockingCallFromThread(reactor, () => Thread.CurrentThread == loop));
        Assert.True(result);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WaitsForAReturnedDeferred(string name)
    {
        var reactor = ReactorNames.Create(name);
        var result = "";
        RunOnWorker(reactor, _ => result = ReactorThreads.BlockingCallFromThread(reactor, () => ReactorTasks.DeferLater(reactor, 0.02, () => "later")));
        Assert.Equal("later", result);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void RethrowsTheFailuresException(string name)
    {
        var reactor = ReactorNames.Create(name);
        Exception? thrown = null, failedDeferred = null;
        RunOnWorker(reactor, _ =>
        {
            thrown = Record.Exception(() => ReactorThreads.BlockingCallFromThread<int>(reactor, () => throw new FormatException("sync")));
            failedDeferred = Record.Exception(() => ReactorThreads.BlockingCallFromThread(reactor, () => Deferred.Fail<int>(new TimeoutException())));
        });
        Assert.Equal("sync", Assert.IsType<FormatException>(thrown).Message);
        Assert.IsType<TimeoutException>(failedDeferred);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheActionOverloadWaitsForTheAction(string name)
    {
        var reactor = ReactorNames.Create(name);
        Thread? ranOn = null;
        Thread? loopThread = null;
        RunOnWorker(reactor, loop =>
        {
            loopThread = loop;
            ReactorThreads.BlockingCallFromThread(reactor, () => { ranOn = Thread.CurrentThread; });
        });
        Assert.Same(loopThread, ranOn);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallingItOnTheLoopThreadThrowsInsteadOfDeadlocking(string name)
    {
        var reactor = ReactorNames.Create(name);
        Exception? error = null;
        var ran = false;
        ReactorRunner.Run(reactor, () =>
        {
            error = Record.Exception(() => ReactorThreads.BlockingCallFromThread(reactor, () => ran = true));
            reactor.Stop();
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.False(ran);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WorksFromAPoolThreadStartedByDeferToThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        var value = 0;
        ReactorRunner.Run(reactor, () =>
        {
            ReactorThreads.DeferToThread(reactor, () => ReactorThreads.BlockingCallFromThread(reactor, () => 6) * 7)
                .AddCallback(v =>
                {
                    value = v;
                    reactor.Stop();
                });
        });
        Assert.Equal(42, value);
    }
}
