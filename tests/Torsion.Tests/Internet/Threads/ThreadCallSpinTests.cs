using System.Diagnostics;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// The loop's spin for awaited thread calls (ReactorBase.BeginAwaitingThreadCall): a call that arrives during
/// the spin is taken without a wake-up, a call that never arrives costs one bounded spin, and DeferToThread
/// leaves nothing awaited behind.
/// </summary>
public sealed class ThreadCallSpinTests
{
    private static ReactorBase CreateLoop(string name) => (ReactorBase)ReactorNames.Create(name);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAwaitedCallThatArrivesDuringTheSpinNeedsNoWakeUp(string name)
    {
        var reactor = CreateLoop(name);
        // Long enough that the thread below cannot miss the spin on a loaded machine; it ends when the call comes.
        reactor.ThreadCallSpinTicksHere = Stopwatch.Frequency * 30;
        long wakeUpsBefore = -1;
        long wakeUpsAfter = -2;
        var sawSpin = false;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.BeginAwaitingThreadCall();
            new Thread(() =>
            {
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
                while (!reactor.SpinningForThreadCalls && Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.Yield();
                }
                sawSpin = reactor.SpinningForThreadCalls;
                wakeUpsBefore = reactor.WakeUpsWritten;
                reactor.CallFromThread(() =>
                {
                    reactor.EndAwaitingThreadCall();
                    wakeUpsAfter = reactor.WakeUpsWritten;
                    reactor.Stop();
                });
            }) { IsBackground = true }.Start();
        });
        Assert.True(sawSpin, "the loop never spun for the awaited call");
        Assert.Equal(wakeUpsBefore, wakeUpsAfter);
        Assert.Equal(0, reactor.AwaitedThreadCalls);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ACallThatNeverArrivesCostsOneSpinNotOnePerPass(string name)
    {
        var reactor = CreateLoop(name);
        reactor.ThreadCallSpinTicksHere = Stopwatch.Frequency / 50; // 20 ms
        var passes = 0;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.BeginAwaitingThreadCall();
            // Thirty idle waits, each ended by a timer: each would spin again if the spin were per pass.
            void Tick()
            {
                if (++passes == 30)
                {
                    reactor.Stop();
                    return;
                }
                reactor.CallLater(0.005, Tick);
            }
            reactor.CallLater(0.005, Tick);
        });
        Assert.Equal(30, passes);
        Assert.InRange(reactor.Spins, 1, 2);
        Assert.Equal(1, reactor.AwaitedThreadCalls);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DeferToThreadLeavesNothingAwaitedWhetherItsWorkReturnsOrThrows(string name)
    {
        var reactor = CreateLoop(name);
        var outcomes = new List<string>();
        ReactorRunner.Run(reactor, () =>
        {
            ReactorThreads.DeferToThread(reactor, () => 42).AddBoth(o =>
            {
                outcomes.Add(o.Succeeded ? $"value {o.Value}" : "failed");
                Assert.Equal(0, reactor.AwaitedThreadCalls);
                ReactorThreads.DeferToThread<int>(reactor, () => throw new InvalidOperationException("no")).AddBoth(o2 =>
                {
                    outcomes.Add(o2.Succeeded ? "value" : o2.Failure!.Value.Message);
                    reactor.Stop();
                    return 0;
                });
                Assert.Equal(1, reactor.AwaitedThreadCalls);
                return 0;
            });
        });
        Assert.Equal(["value 42", "no"], outcomes);
        Assert.Equal(0, reactor.AwaitedThreadCalls);
    }
}
