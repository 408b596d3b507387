using Torsion.Defer;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet;

public sealed class CooperatorTests
{
    // One iterator step per tick, so each Advance shows exactly one step.
    private static Func<Func<bool>> StepsPerTick(int steps) => () =>
    {
        var left = steps;
        return () => --left <= 0;
    };

    private static void Tick(Clock clock, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            clock.Advance(Cooperator.DefaultTickDelay);
        }
    }

    private static IEnumerable<object?> Steps(string name, int count, List<string> log)
    {
        for (var i = 0; i < count; i++)
        {
            log.Add($"{name}{i}");
            yield return null;
        }
    }

    [Fact]
    public void TwoTasksInterleaveRoundRobinAcrossTicks()
    {
        var clock = new Clock();
        var log = new List<string>();
        var cooperator = new Cooperator(clock, StepsPerTick(1));
        var a = Captured<Unit>.Of(cooperator.Coiterate(Steps("a", 2, log)));
        var b = Captured<Unit>.Of(cooperator.Coiterate(Steps("b", 2, log)));
        Assert.Empty(log);
        Tick(clock);
        Assert.Equal(["a0"], log);
        Tick(clock);
        Assert.Equal(["a0", "b0"], log);
        Tick(clock, 4);
        Assert.Equal(["a0", "b0", "a1", "b1"], log);
        Assert.True(a.Fired && b.Fired);
        Assert.Null(a.Failure);
        Assert.Empty(clock.GetDelayedCalls());
        Assert.Equal(0, cooperator.TaskCount);
    }

    [Fact]
    public void ATimeSliceRunsManyStepsInOneTick()
    {
        var clock = new Clock();
        var log = new List<string>();
        var cooperator = new Cooperator(clock, Cooperator.TimeSlice(TimeSpan.FromSeconds(5)));
        var a = Captured<Unit>.Of(cooperator.Coiterate(Steps("a", 3, log)));
        var b = Captured<Unit>.Of(cooperator.Coiterate(Steps("b", 3, log)));
        Tick(clock);
        // Far under a (generous, so a loaded machine cannot break it) 5 s slice: one tick interleaves both to the end.
        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], log);
        Assert.True(a.Fired && b.Fired);
    }

    [Fact]
    public void AYieldedDeferredPausesOnlyItsTask()
    {
        var clock = new Clock();
        var log = new List<string>();
        var gate = new Deferred<int>();
        IEnumerable<object?> Waiting()
        {
            log.Add("w0");
            yield return gate;
            log.Add("w1");
        }
        var cooperator = new Cooperator(clock, StepsPerTick(100));
        var waiting = cooperator.Cooperate(Waiting());
        var done = Captured<Unit>.Of(waiting.WhenDone());
        cooperator.Cooperate(Steps("s", 3, log));
        Tick(clock, 3);
        Assert.Equal(["w0", "s0", "s1", "s2"], log);
        Assert.True(waiting.IsPaused);
        Assert.False(done.Fired);
        gate.Callback(1);
        Assert.False(waiting.IsPaused);
        Tick(clock);
        Assert.Equal(["w0", "s0", "s1", "s2", "w1"], log);
        Assert.True(done.Fired);
        Assert.Null(done.Failure);
    }

    [Fact]
    public void AFailedYieldedDeferredFailsTheTask()
    {
        var clock = new Clock();
        var gate = new Deferred();
        IEnumerable<object?> Waiting()
        {
            yield return gate;
        }
        var cooperator = new Cooperator(clock);
        var done = Captured<Unit>.Of(cooperator.Coiterate(Waiting()));
        Tick(clock);
        gate.Errback(new FormatException("bad"));
        Assert.IsType<FormatException>(done.Failure?.Value);
    }

    [Fact]
    public void PauseAndResumeTakeATaskOutOfTheRotationAndBack()
    {
        var clock = new Clock();
        var log = new List<string>();
        var cooperator = new Cooperator(clock, StepsPerTick(100));
        var a = cooperator.Cooperate(Steps("a", 2, log));
        a.Pause();
        a.Pause();
        cooperator.Cooperate(Steps("b", 2, log));
        Tick(clock, 2);
        Assert.Equal(["b0", "b1"], log);
        a.Resume();
        Tick(clock);
        Assert.Equal(["b0", "b1"], log);
        a.Resume();
        Assert.Throws<NotPausedException>(a.Resume);
        Tick(clock, 3);
        Assert.Equal(["b0", "b1", "a0", "a1"], log);
        Assert.True(a.IsFinished);
        Assert.Throws<TaskDoneException>(a.Pause);
    }

    [Fact]
    public void StoppingATaskFailsWhenDoneAndDisposesTheIterator()
    {
        var clock = new Clock();
        var cleanedUp = false;
        IEnumerable<object?> Forever()
        {
            try
            {
                while (true)
                {
                    yield return null;
                }
            }
            finally
            {
                cleanedUp = true;
            }
        }
        var cooperator = new Cooperator(clock, StepsPerTick(1));
        var task = cooperator.Cooperate(Forever());
        var done = Captured<Unit>.Of(task.WhenDone());
        Tick(clock, 3);
        task.Stop();
        Assert.IsType<TaskStoppedException>(done.Failure?.Value);
        Assert.True(cleanedUp);
        Assert.Empty(clock.GetDelayedCalls());
        Assert.Throws<TaskStoppedException>(task.Stop);
        // WhenDone after the end fires at once, the same way.
        Assert.IsType<TaskStoppedException>(Captured<Unit>.Of(task.WhenDone()).Failure?.Value);
    }

    [Fact]
    public void AnIteratorErrorFailsWhenDoneWithTheOriginalException()
    {
        var clock = new Clock();
        IEnumerable<object?> Broken()
        {
            yield return null;
            throw new InvalidDataException("step two");
        }
        var log = new List<string>();
        var cooperator = new Cooperator(clock, StepsPerTick(100));
        var task = cooperator.Cooperate(Broken());
        var done = Captured<Unit>.Of(task.WhenDone());
        var other = Captured<Unit>.Of(cooperator.Coiterate(Steps("o", 3, log)));
        Tick(clock);
        Assert.IsType<InvalidDataException>(done.Failure?.Value);
        Assert.Throws<TaskFailedException>(task.Pause);
        // The other task is unaffected.
        Assert.True(other.Fired);
        Assert.Null(other.Failure);
    }

    [Fact]
    public void StoppingTheCooperatorStopsEveryTaskAndRefusesNewOnes()
    {
        var clock = new Clock();
        var log = new List<string>();
        var cooperator = new Cooperator(clock, StepsPerTick(1));
        var a = Captured<Unit>.Of(cooperator.Coiterate(Steps("a", 10, log)));
        var b = Captured<Unit>.Of(cooperator.Coiterate(Steps("b", 10, log)));
        Tick(clock);
        cooperator.Stop();
        Assert.False(cooperator.Running);
        Assert.IsType<SchedulerStoppedException>(a.Failure?.Value);
        Assert.IsAssignableFrom<TaskStoppedException>(b.Failure?.Value);
        Assert.Empty(clock.GetDelayedCalls());
        var late = Captured<Unit>.Of(cooperator.Coiterate(Steps("c", 1, log)));
        Assert.IsType<SchedulerStoppedException>(late.Failure?.Value);
        Assert.Equal(["a0"], log);
    }

    [Fact]
    public void ACooperatorCreatedStoppedWaitsForStart()
    {
        var clock = new Clock();
        var log = new List<string>();
        var cooperator = new Cooperator(clock, StepsPerTick(100), started: false);
        var done = Captured<Unit>.Of(cooperator.Coiterate(Steps("a", 2, log)));
        Assert.Empty(clock.GetDelayedCalls());
        cooperator.Start();
        Tick(clock);
        Assert.Equal(["a0", "a1"], log);
        Assert.True(done.Fired);
    }

    [Fact]
    public void ACustomSchedulerIsUsedForTicks()
    {
        var clock = new Clock();
        var scheduled = 0;
        var cooperator = new Cooperator(work =>
        {
            scheduled++;
            return clock.CallLater(1, work);
        }, StepsPerTick(1));
        var log = new List<string>();
        cooperator.Coiterate(Steps("a", 2, log));
        clock.Advance(0.5);
        Assert.Empty(log);
        clock.Advance(0.5);
        Assert.Equal(["a0"], log);
        clock.Advance(2);
        Assert.Equal(["a0", "a1"], log);
        Assert.Equal(3, scheduled);
    }
}
