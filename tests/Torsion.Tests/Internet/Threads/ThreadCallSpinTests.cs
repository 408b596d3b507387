using System.Diagnostics;
using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>
/// The loop's spin for awaited thread calls (ReactorBase.BeginAwaitingThreadCall): a call that arrives during
/// the spin is taken without a wake-up, a call that never arrives costs one bounded spin, and DeferToThread
/// leaves nothing awaited behind.
/// </summary>
public sealed class ThreadCallSpinTests
{
    private static ReactorBase CreateLoop(string name) => (ReactorBase)ReactorNames.Create(name);

    [Theory]
    [InlineData("", "2", "50")]   // the default with more than one processor
    [InlineData("", "1", "0")]    // one processor: the awaited thread could not run during a spin
    [InlineData("0", "2", "0")]   // turned off
    [InlineData("120", "1", "120")] // set: taken as given
    public void TheSpinIsFiftyMicrosecondsNoneOnOneProcessorOrAsTheVariableSays(string variable, string processors, string expected)
    {
        using var child = ChildProcess.StartDotnet("Torsion.TestPrograms",
            new Dictionary<string, string> { ["TORSION_LOOP_SPIN_US"] = variable, ["DOTNET_PROCESSOR_COUNT"] = processors }, "thread-call-spin");
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal(expected, child.Output.Trim());
    }

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
    public void ACallWhileTheLoopIsBusyNeedsNoWakeUpAndACallWhileItSleepsGetsOne(string name)
    {
        var reactor = CreateLoop(name);
        long busyBefore = -1, busyAfter = -2, asleepBefore = -1, asleepAfter = -1;
        var ranBusy = false;
        // A timer, so the callback runs within an ordinary pass of the loop (startup triggers run before it).
        ReactorRunner.Run(reactor, () => reactor.CallLater(0, () =>
        {
            // The loop is held in this callback while another thread's call is queued: it will look at the queue
            // before it next waits, so the call must not cost a wake-up.
            busyBefore = reactor.WakeUpsWritten;
            var queued = new Thread(() => reactor.CallFromThread(() => ranBusy = true)) { IsBackground = true };
            queued.Start();
            Assert.True(queued.Join(TimeSpan.FromSeconds(30)), "the calling thread never finished");
            busyAfter = reactor.WakeUpsWritten;
            // Then a call from a thread that waits until the loop, with nothing left to do (no timer is due
            // before the runner's watchdog), has readied itself to sleep: that call must wake it, or the loop
            // would sleep on.
            new Thread(() =>
            {
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
                while (!reactor.WakeUpNeeded && Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.Yield();
                }
                asleepBefore = reactor.WakeUpsWritten;
                reactor.CallFromThread(() =>
                {
                    asleepAfter = reactor.WakeUpsWritten;
                    reactor.Stop();
                });
            }) { IsBackground = true }.Start();
        }));
        Assert.True(ranBusy, "the call queued while the loop was busy never ran");
        Assert.Equal(busyBefore, busyAfter);
        Assert.Equal(asleepBefore + 1, asleepAfter);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ACallThatNeverArrivesCostsOneSpinNotOnePerPass(string name)
    {
        var reactor = CreateLoop(name);
        reactor.ThreadCallSpinTicksHere = Stopwatch.Frequency / 10; // 100 ms
        var passes = 0;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.BeginAwaitingThreadCall();
            // Sixty idle waits, each ended by a timer: each would spin again if the spin were per pass.
            void Tick()
            {
                if (++passes == 60)
                {
                    reactor.Stop();
                    return;
                }
                reactor.CallLater(0.005, Tick);
            }
            reactor.CallLater(0.005, Tick);
        });
        Assert.Equal(60, passes);
        Assert.InRange(reactor.Spins, 1, 2);
        Assert.Equal(1, reactor.AwaitedThreadCalls);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ResultsThatAlwaysComeLateStopTheSpinAndQuickOnesStartItAgain(string name)
    {
        var reactor = CreateLoop(name);
        var limit = Stopwatch.Frequency / 200; // 5 ms
        reactor.ThreadCallSpinTicksHere = limit;
        // Halved on every late arrival, the window closes (from 5 ms to nothing) within about seven; a result
        // that looks early because the loop itself was held up (a stalled virtual CPU, a collection) lets it grow
        // again, as it should. So the slow rounds go on until the window has stayed closed for ClosedRounds late
        // results in a row, at most MaxRounds: a window that never closes, or spins while it is closed, fails.
        const int ClosedRounds = 5, MaxRounds = 60;
        var round = 0;
        var closedInARow = 0;
        var spinsWhenClosed = -1;
        var spinsWhenSlowEnded = -1;
        long windowWhenSlowEnded = -1;
        ReactorRunner.Run(reactor, () =>
        {
            // Slow work: each result comes 15 ms after it was awaited, three times the longest spin.
            void Slow()
            {
                if (reactor.SpinWindowTicks == 0)
                {
                    if (closedInARow++ == 0)
                    {
                        spinsWhenClosed = reactor.Spins;
                    }
                }
                else
                {
                    closedInARow = 0;
                }
                if (closedInARow > ClosedRounds || ++round > MaxRounds)
                {
                    spinsWhenSlowEnded = reactor.Spins;
                    windowWhenSlowEnded = reactor.SpinWindowTicks;
                    Quick(0);
                    return;
                }
                reactor.BeginAwaitingThreadCall();
                new Thread(() =>
                {
                    Thread.Sleep(15);
                    reactor.CallFromThread(() =>
                    {
                        reactor.EndAwaitingThreadCall();
                        Slow();
                    });
                }) { IsBackground = true }.Start();
            }
            // Then quick work: results handed back at once by a thread that is already running.
            void Quick(int n)
            {
                if (n == 20)
                {
                    reactor.Stop();
                    return;
                }
                reactor.BeginAwaitingThreadCall();
                ThreadPool.UnsafeQueueUserWorkItem(_ => reactor.CallFromThread(() =>
                {
                    reactor.EndAwaitingThreadCall();
                    Quick(n + 1);
                }), null);
            }
            Slow();
        });
        Assert.True(closedInARow > ClosedRounds, $"the window did not stay closed for {ClosedRounds} late results in a row within {MaxRounds} (window {windowWhenSlowEnded} ticks)");
        Assert.Equal(0, windowWhenSlowEnded);
        // No spin at all for late results once it is closed.
        Assert.True(spinsWhenClosed >= 1, "the loop never spun before the window closed");
        Assert.Equal(spinsWhenClosed, spinsWhenSlowEnded);
        Assert.True(reactor.SpinWindowTicks > 0, "quick results did not start the spin again");
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
