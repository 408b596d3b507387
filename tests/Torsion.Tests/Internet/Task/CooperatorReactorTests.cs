using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>The Cooperator's default scheduler and LoopingCall on real reactors.</summary>
public sealed class CooperatorReactorTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CoiterateRunsToTheEndOnTheLoopThreadAndLetsTimersRun(string name)
    {
        var reactor = ReactorNames.Create(name);
        var steps = 0;
        var timerFired = false;
        var timerFiredDuringWork = false;
        Thread? loop = null, stepThread = null;
        IEnumerable<object?> Work()
        {
            stepThread = Thread.CurrentThread;
            // Runs until a timer scheduled beside it has fired: only possible if ticks yield to the loop.
            while (!timerFired)
            {
                steps++;
                yield return null;
            }
            timerFiredDuringWork = true;
        }
        ReactorRunner.Run(reactor, () =>
        {
            loop = Thread.CurrentThread;
            var cooperator = new Cooperator(reactor);
            reactor.CallLater(0.05, () => timerFired = true);
            cooperator.Coiterate(Work()).AddBoth(() => reactor.Stop());
        });
        Assert.True(timerFiredDuringWork);
        Assert.True(steps > 0);
        Assert.Same(loop, stepThread);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ALoopingCallWaitsForItsDeferredOnARealReactor(string name)
    {
        var reactor = ReactorNames.Create(name);
        var calls = 0;
        LoopingCall? result = null;
        ReactorRunner.Run(reactor, () =>
        {
            LoopingCall? loop = null;
            loop = new LoopingCall(reactor, () =>
            {
                if (++calls == 3)
                {
                    loop!.Stop();
                }
                return ReactorTasks.DeferLater(reactor, 0.005);
            });
            loop.Start(0.001).AddCallback(l =>
            {
                result = l;
                reactor.Stop();
            });
        });
        Assert.Equal(3, calls);
        Assert.NotNull(result);
    }
}
