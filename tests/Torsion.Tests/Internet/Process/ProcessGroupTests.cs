using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>A ReactorGroup starts a child on the calling loop: its output and its exit are heard on that loop's thread.</summary>
public sealed class ProcessGroupTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AChildSpawnedFromASecondaryLoopLivesOnThatLoop(string name)
    {
        Torsion.TestSupport.Backends.Require(Reactors.Get(name));
        using var group = new ReactorGroup(2, name);
        var secondary = (ReactorBase)group.Loops[1];
        var p = new RecordingProcessProtocol();
        var onSecondary = new List<bool>();
        p.OnData = (_, _) => onSecondary.Add(secondary.IsInLoopThread);
        p.OnExited = () => onSecondary.Add(secondary.IsInLoopThread);
        p.OnEnded = () =>
        {
            onSecondary.Add(secondary.IsInLoopThread);
            group.Stop();
        };
        Exception? error = null;
        var watchdog = group.CallLater(30, group.Crash);
        group.CallWhenRunning(() => secondary.CallFromThread(() =>
        {
            try
            {
                group.SpawnProcess(p, "/bin/sh", ["sh", "-c", "echo from the child"]);
            }
            catch (Exception e)
            {
                error = e;
                group.Stop();
            }
        }));
        group.Run(installSignalHandlers: false);
        Assert.Null(error);
        Assert.True(watchdog.Active, "the group was still running after 30 s");
        watchdog.Cancel();
        Assert.Equal("from the child\n", p.Text(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
        Assert.NotEmpty(onSecondary);
        Assert.All(onSecondary, Assert.True);
    }
}
