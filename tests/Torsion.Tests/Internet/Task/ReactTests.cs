using Torsion.Defer;
using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet;

/// <summary>ReactorTasks.React on every backend, through the reactorName parameter.</summary>
public sealed class ReactTests
{
    private static void RequireBackend(string name) => Backends.Require(Reactors.Get(name));

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void SuccessExitsZeroAfterRunningMainOnTheRunningReactor(string name)
    {
        RequireBackend(name);
        var wasRunning = false;
        var code = ReactorTasks.React(r =>
        {
            wasRunning = r.Running;
            return ReactorTasks.DeferLater(r, 0.01);
        }, name);
        Assert.Equal(0, code);
        Assert.True(wasRunning);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FailureExitsOne(string name)
    {
        var expected = LoggedErrors.ExpectMessage("main function encountered error");
        RequireBackend(name);
        var code = ReactorTasks.React(r => ReactorTasks.DeferLater(r, 0.01, () => throw new FormatException("main failed")), name);
        Assert.Equal(1, code);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ASynchronousMainStopsTheReactorExactlyOnce(string name)
    {
        RequireBackend(name);
        var shutdowns = 0;
        var code = ReactorTasks.React(r =>
        {
            r.AddSystemEventTrigger(TriggerPhase.During, SystemEvent.Shutdown, () => { shutdowns++; });
            return Deferred.Succeed();
        }, name);
        Assert.Equal(0, code);
        Assert.Equal(1, shutdowns);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AMainThatThrowsOrStopsTheReactorItselfIsHandled(string name)
    {
        var expected = LoggedErrors.ExpectMessage("main function encountered error");
        RequireBackend(name);
        Assert.Equal(1, ReactorTasks.React(Deferred (_) => throw new InvalidOperationException("sync"), name));
        // main stops the reactor itself and then succeeds: React must not stop it a second time.
        Assert.Equal(0, ReactorTasks.React(r =>
        {
            r.Stop();
            return Deferred.Succeed();
        }, name));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAsyncTaskMainWorks(string name)
    {
        var expected = LoggedErrors.ExpectMessage("main function encountered error");
        RequireBackend(name);
        Thread? before = null, after = null;
        var ok = ReactorTasks.React(async r =>
        {
            before = Thread.CurrentThread;
            await ReactorTasks.DeferLater(r, 0.01);
            await System.Threading.Tasks.Task.Run(() => Thread.CurrentThread);
            after = Thread.CurrentThread;
        }, name);
        Assert.Equal(0, ok);
        // The reactor's SynchronizationContext brings the continuation back to the loop thread.
        Assert.Same(before, after);
        Assert.Equal(1, ReactorTasks.React(async r =>
        {
            await ReactorTasks.DeferLater(r, 0.01);
            throw new FormatException("async failure");
        }, name));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ATaskReturningMainWorks(string name)
    {
        var expected = LoggedErrors.ExpectMessage("main function encountered error");
        RequireBackend(name);
        var completed = false;
        async System.Threading.Tasks.Task Main(IReactor r)
        {
            await ReactorTasks.DeferLater(r, 0.01);
            await System.Threading.Tasks.Task.Run(() => Thread.CurrentThread);
            completed = true;
        }
        Assert.Equal(0, ReactorTasks.React(Main, name));
        Assert.True(completed);
        Assert.Equal(1, ReactorTasks.React(r => System.Threading.Tasks.Task.FromException(new FormatException()), name));
    }
}
