using Torsion.Services;
using Torsion.Defer;
using Torsion.TestSupport;

namespace Torsion.Tests.Services;

/// <summary>MultiService: ordering, waiting for children, names and parents.</summary>
public sealed class MultiServiceTests
{
    [Fact]
    public void ChildrenStartInOrderAndStopInReverse()
    {
        var log = new List<string>();
        var root = new Application("app");
        new RecordingService("a", log).SetServiceParent(root);
        new RecordingService("b", log).SetServiceParent(root);
        root.PrivilegedStartService();
        root.StartService();
        root.StopService();
        Assert.Equal(["privileged a", "privileged b", "start a", "start b", "stop b", "stop a"], log);
        Assert.False(root.Running);
    }

    [Fact]
    public void StopWaitsForASlowChild()
    {
        var log = new List<string>();
        var root = new MultiService();
        var slow = new RecordingService("slow", log) { StopResult = new Deferred() };
        slow.SetServiceParent(root);
        new RecordingService("fast", log).SetServiceParent(root);
        root.StartService();
        var stopped = false;
        root.StopService().AddCallback(_ => { stopped = true; });
        Assert.False(stopped);
        slow.StopResult.Callback();
        Assert.True(stopped);
    }

    [Fact]
    public void AChildFailingToStopDoesNotBlockTheOthers()
    {
        var expected = LoggedErrors.ExpectMessage("Stopping the service");
        var log = new List<string>();
        var root = new MultiService();
        var failing = new RecordingService("failing", log) { StopResult = Deferred.Fail(new InvalidOperationException("boom")) };
        failing.SetServiceParent(root);
        new RecordingService("other", log).SetServiceParent(root);
        root.StartService();
        var stopped = false;
        root.StopService().AddCallback(_ => { stopped = true; });
        Assert.True(stopped);
        Assert.Contains("stop other", log);
        Assert.Equal(1, expected.Count); // the failure is logged, not lost
    }

    [Fact]
    public void DuplicateNamesAreRefused()
    {
        var root = new MultiService();
        new Service { Name = "web" }.SetServiceParent(root);
        var second = new Service { Name = "web" };
        Assert.Throws<InvalidOperationException>(() => second.SetServiceParent(root));
        Assert.Null(second.Parent);
        Assert.Single(root.Services);
    }

    [Fact]
    public void AddingToARunningParentStartsTheChild()
    {
        var log = new List<string>();
        var root = new MultiService();
        root.StartService();
        var child = new RecordingService("late", log);
        child.SetServiceParent(root);
        Assert.Equal(["privileged late", "start late"], log);
        Assert.True(child.Running);
    }

    [Fact]
    public void RemovingARunningChildStopsIt()
    {
        var log = new List<string>();
        var root = new MultiService();
        var child = new RecordingService("c", log) { Name = "c" };
        child.SetServiceParent(root);
        root.StartService();
        Assert.NotNull(child.DisownServiceParent());
        Assert.False(child.Running);
        Assert.Null(child.Parent);
        Assert.Throws<KeyNotFoundException>(() => root.GetServiceNamed("c"));
    }

    [Fact]
    public void SettingAParentTwiceThrows()
    {
        var child = new Service();
        child.SetServiceParent(new MultiService());
        Assert.Throws<InvalidOperationException>(() => child.SetServiceParent(new MultiService()));
    }

    [Fact]
    public void NamedChildrenAreFound()
    {
        var root = new MultiService();
        var web = new Service { Name = "web" };
        web.SetServiceParent(root);
        Assert.Same(web, root.GetServiceNamed("web"));
        Assert.Same(root, web.Parent);
    }

    [Fact]
    public void ApplicationKeepsItsIds()
    {
        var app = new Application("name", 1000, 100);
        Assert.Equal(("name", 1000, 100), (app.Name, app.Uid, app.Gid));
    }
}
