using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>Run, Stop, Crash, restart rules and system event triggers, on every backend.</summary>
public sealed class ReactorLifecycleTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StartupTriggersRunInPhaseOrderThenRunningIsTrue(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        reactor.AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Startup, () => events.Add($"after:{reactor.Running}"));
        reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Startup, () => events.Add($"before:{reactor.Running}"));
        reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Startup, () => events.Add("during"));
        ReactorRunner.Run(reactor, () => { events.Add($"running:{reactor.Running}"); reactor.Stop(); });
        Assert.Equal(["before:False", "during", "after:True", "running:True"], events);
        Assert.False(reactor.Running);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ShutdownTriggersRunBeforeDuringAfter(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        reactor.AddSystemEventTrigger(TriggerPhase.After, SystemEvent.Shutdown, () => events.Add("after"));
        reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => events.Add("during"));
        reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => events.Add("before"));
        ReactorRunner.Run(reactor, reactor.Stop);
        Assert.Equal(["before", "during", "after"], events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DeferredFromBeforeShutdownTriggerDelaysDuringPhase(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        var drain = new Deferred();
        reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () =>
        {
            events.Add("before");
            // Fire two loop passes later: the during phase must wait for it.
            reactor.CallLater(0, () => reactor.CallLater(0, () => { events.Add("drained"); drain.Callback(); }));
            return drain;
        });
        reactor.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => events.Add("during"));
        ReactorRunner.Run(reactor, reactor.Stop);
        Assert.Equal(["before", "drained", "during"], events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void RemovedTriggerDoesNotRun(string name)
    {
        var reactor = ReactorNames.Create(name);
        var ran = false;
        var id = reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => ran = true);
        reactor.RemoveSystemEventTrigger(id);
        Assert.Throws<ArgumentException>(() => reactor.RemoveSystemEventTrigger(id));
        ReactorRunner.Run(reactor, reactor.Stop);
        Assert.False(ran);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void RunWhileRunningThrows(string name)
    {
        var reactor = ReactorNames.Create(name);
        Exception? caught = null;
        ReactorRunner.Run(reactor, () =>
        {
            caught = Record.Exception(reactor.Run);
            reactor.Stop();
        });
        Assert.IsType<ReactorAlreadyRunningException>(caught);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StoppedReactorIsNotRestartable(string name)
    {
        var reactor = ReactorNames.Create(name);
        ReactorRunner.Run(reactor, reactor.Stop);
        Assert.Throws<ReactorNotRestartableException>(reactor.Run);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StopWhenNotRunningThrows(string name)
    {
        var reactor = ReactorNames.Create(name);
        Assert.Throws<ReactorNotRunningException>(reactor.Stop);
        Exception? second = null;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.Stop();
            second = Record.Exception(reactor.Stop);
        });
        Assert.IsType<ReactorNotRunningException>(second);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CrashSkipsShutdownTriggers(string name)
    {
        var reactor = ReactorNames.Create(name);
        var shutdownRan = false;
        reactor.AddSystemEventTrigger(TriggerPhase.Before, SystemEvent.Shutdown, () => shutdownRan = true);
        ReactorRunner.Run(reactor, reactor.Crash);
        Assert.False(shutdownRan);
        Assert.False(reactor.Running);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CallWhenRunningBeforeRunWaitsThenRunsAtOnceWhileRunning(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        reactor.CallWhenRunning(() => events.Add("queued"));
        Assert.Empty(events);
        ReactorRunner.Run(reactor, () =>
        {
            reactor.CallWhenRunning(() => events.Add("immediate"));
            events.Add("after-call");
            reactor.Stop();
        });
        Assert.Equal(["queued", "immediate", "after-call"], events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CustomSystemEventFiresItsTriggers(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        reactor.AddSystemEventTrigger(TriggerPhase.During, "reload", () => events.Add("during"));
        reactor.AddSystemEventTrigger(TriggerPhase.Before, "reload", () => events.Add("before"));
        reactor.FireSystemEvent("reload");
        Assert.Equal(["before", "during"], events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AwaitInReactorCodeResumesOnTheLoopThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        Thread? loop = null, resumed = null;
        ReactorRunner.Run(reactor, async () =>
        {
            loop = Thread.CurrentThread;
            await System.Threading.Tasks.Task.Delay(5);
            resumed = Thread.CurrentThread;
            reactor.Stop();
        });
        Assert.NotNull(loop);
        Assert.Same(loop, resumed);
    }

    [Fact]
    public void UnknownReactorNameListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Reactors.Get("kqueue"));
        Assert.Contains("kqueue", e.Message);
        foreach (var info in Reactors.Available)
        {
            Assert.Contains(info.Name, e.Message);
        }
    }

    [Fact]
    public void EveryBackendHasADescription()
    {
        Assert.Contains(Reactors.Available, r => r.Name == "epoll");
        Assert.All(Reactors.Available, r => Assert.False(string.IsNullOrWhiteSpace(r.Description)));
    }
}
