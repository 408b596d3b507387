using Torsion.Defer;
using Torsion.Services;
using Torsion.Testing;

namespace Torsion.Tests.Services;

/// <summary>GracefulDrain on MemoryReactor's clock: the tree stops first, then the connections get their grace period.</summary>
public sealed class GracefulDrainTests
{
    private static (MemoryReactor Reactor, MultiService App, RecordingService Child) Running()
    {
        var reactor = new MemoryReactor();
        var app = new MultiService();
        var child = new RecordingService("child", new List<string>());
        child.SetServiceParent(app);
        app.StartService();
        return (reactor, app, child);
    }

    [Fact]
    public void StopsTheTreeThenEndsWhenTheLastConnectionCloses()
    {
        var (reactor, app, child) = Running();
        var open = 2;
        var drain = new GracefulDrain(reactor, app, () => open, timeout: 30);
        var done = false;
        drain.Run().AddCallback(_ => { done = true; });
        Assert.False(app.Running);
        Assert.False(child.Running);
        reactor.Clock.Advance(10);
        Assert.False(done);
        open = 0;
        reactor.Clock.Advance(0.1);
        Assert.True(done);
        Assert.Empty(reactor.Clock.GetDelayedCalls());
    }

    [Fact]
    public void TheGracePeriodEndsTheWaitWithConnectionsLeft()
    {
        var (reactor, app, _) = Running();
        var drain = new GracefulDrain(reactor, app, () => 1, timeout: 5);
        var done = false;
        drain.Run().AddCallback(_ => { done = true; });
        reactor.Clock.Advance(4.9);
        Assert.False(done);
        reactor.Clock.Advance(0.2);
        Assert.True(done);
        Assert.Empty(reactor.Clock.GetDelayedCalls());
    }

    [Fact]
    public void HurryEndsTheWaitAndAHurryBeforeTheTreeHasStoppedIsKept()
    {
        var (reactor, app, _) = Running();
        var drain = new GracefulDrain(reactor, app, () => 3, timeout: 60);
        var done = false;
        drain.Run().AddCallback(_ => { done = true; });
        reactor.Clock.Advance(1);
        drain.Hurry("a test hurried it");
        Assert.True(done);
        Assert.Empty(reactor.Clock.GetDelayedCalls());

        // Hurried while the tree is still stopping: no wait once it has stopped.
        var (reactor2, app2, child2) = Running();
        var slowStop = new Deferred();
        child2.StopResult = slowStop;
        var drain2 = new GracefulDrain(reactor2, app2, () => 3, timeout: 60);
        var done2 = false;
        drain2.Run().AddCallback(_ => { done2 = true; });
        drain2.Hurry();
        slowStop.Callback();
        Assert.True(done2);
        Assert.Empty(reactor2.Clock.GetDelayedCalls());
    }

    [Fact]
    public void ProgressIsToldTheConnectionsAndTheGraceLeftUntilTheEnd()
    {
        var (reactor, app, _) = Running();
        var open = 4;
        var reports = new List<(int Open, double Left)>();
        var drain = new GracefulDrain(reactor, app, () => open, timeout: 10) { ProgressInterval = 2, Progress = (o, l) => reports.Add((o, l)) };
        drain.Run();
        reactor.Clock.Advance(2);
        open = 1;
        reactor.Clock.Advance(2);
        Assert.Equal([(4, 10.0), (4, 8.0), (1, 6.0)], reports);
        open = 0;
        reactor.Clock.Advance(0.1);
        reactor.Clock.Advance(10);
        Assert.Equal(3, reports.Count);
    }

    [Fact]
    public void InstallDrainsBeforeTheReactorShutsDown()
    {
        var (reactor, app, _) = Running();
        var open = 1;
        new GracefulDrain(reactor, app, () => open, timeout: 5).Install();
        reactor.Run();
        reactor.Stop();
        Assert.False(app.Running);
        // The before trigger's Deferred holds the shutdown while a connection is open.
        Assert.True(reactor.Running);
        open = 0;
        reactor.Iterate(0.1);
        Assert.False(reactor.Running);
    }
}
