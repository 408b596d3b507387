using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// How children are reaped: through a pidfd per child on the readiness backends (where the kernel has
/// pidfd_open), on SIGCHLD otherwise, both at once on one reactor, and a child still running when the reactor
/// stops gives its pidfd back and stays on the SIGCHLD path.
/// </summary>
public sealed class ChildReaperTests
{
    private const string Sh = "/bin/sh";

    private static ReactorBase Create(string name) => (ReactorBase)ReactorNames.Create(name);

    /// <summary>Whether this kernel (and its seccomp filter) offers pidfd_open.</summary>
    private static bool PidFdsWork()
    {
        var fd = ChildSpawn.OpenPidFd(Environment.ProcessId);
        if (fd < 0)
        {
            return false;
        }
        LibC.Close(fd);
        return true;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EachChildIsWatchedThroughAPidfdOnReadinessReactors(string name)
    {
        var reactor = Create(name);
        var reaper = ChildReaper.For(reactor);
        var p = new RecordingProcessProtocol();
        (int Count, int Watched)? whileRunning = null;
        p.OnEnded = reactor.Stop;
        ReactorRunner.Run(reactor, () =>
        {
            var transport = reactor.SpawnProcess(p, "/bin/cat", ["cat"]);
            whileRunning = (reaper.Count, reaper.WatchedCount);
            transport.CloseStdin();
        }, timeout: 30);
        var expectWatched = reactor is IReactorFDSet && PidFdsWork() ? 1 : 0;
        Assert.Equal((1, expectWatched), whileRunning);
        Assert.IsType<ProcessDone>(p.Ended!.Value);
        Assert.Equal(0, reaper.Count);
        Assert.Equal(0, reaper.WatchedCount);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WithoutPidfdsChildrenAreReapedOnSigchldWithTheirStatus(string name)
    {
        var reactor = Create(name);
        var reaper = ChildReaper.For(reactor);
        reaper.UsePidFd = false;
        var children = new[] { new RecordingProcessProtocol(), new RecordingProcessProtocol(), new RecordingProcessProtocol() };
        var ended = 0;
        var watched = -1;
        foreach (var c in children)
        {
            c.OnEnded = () =>
            {
                if (++ended == children.Length)
                {
                    reactor.Stop();
                }
            };
        }
        ReactorRunner.Run(reactor, () =>
        {
            reactor.SpawnProcess(children[0], "/bin/true", ["true"]);
            reactor.SpawnProcess(children[1], Sh, ["sh", "-c", "exit 3"]);
            reactor.SpawnProcess(children[2], Sh, ["sh", "-c", "kill -9 $$"]);
            watched = reaper.WatchedCount;
        }, timeout: 30);
        Assert.Equal(0, watched);
        Assert.IsType<ProcessDone>(children[0].Ended!.Value);
        Assert.Equal(3, Assert.IsType<ProcessTerminated>(children[1].Ended!.Value).ExitCode);
        Assert.Equal(9, Assert.IsType<ProcessTerminated>(children[2].Ended!.Value).Signal);
        Assert.Equal(0, reaper.Count);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PidfdAndSigchldChildrenMixOnOneReactor(string name)
    {
        const int Total = 12;
        var reactor = Create(name);
        var reaper = ChildReaper.For(reactor);
        var children = Enumerable.Range(0, Total).Select(_ => new RecordingProcessProtocol()).ToArray();
        var ended = 0;
        foreach (var c in children)
        {
            c.OnEnded = () =>
            {
                if (++ended == Total)
                {
                    reactor.Stop();
                }
            };
        }
        ReactorRunner.Run(reactor, () =>
        {
            for (var i = 0; i < Total; i++)
            {
                // Every other child on each path, all in flight together, each with its own exit code.
                reaper.UsePidFd = i % 2 == 0;
                reactor.SpawnProcess(children[i], Sh, ["sh", "-c", $"exit {i + 1}"]);
            }
        }, timeout: 30);
        for (var i = 0; i < Total; i++)
        {
            Assert.Equal(i + 1, Assert.IsType<ProcessTerminated>(children[i].Ended!.Value).ExitCode);
        }
        Assert.Equal(0, reaper.Count);
        Assert.Equal(0, reaper.WatchedCount);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AChildRunningAtShutdownGivesBackItsPidfdAndIsNotReaped(string name)
    {
        var reactor = Create(name);
        var reaper = ChildReaper.For(reactor);
        var p = new RecordingProcessProtocol();
        IProcessTransport? transport = null;
        ReactorRunner.Run(reactor, () =>
        {
            transport = reactor.SpawnProcess(p, "/bin/cat", ["cat"]);
            reactor.Stop();
        }, timeout: 30);
        var pid = transport!.Pid!.Value;
        try
        {
            // As in Twisted, a stopped reactor reaps nothing more; its pidfd is closed all the same.
            Assert.Equal(1, reaper.Count);
            Assert.Equal(0, reaper.WatchedCount);
            Assert.Null(p.Exited);
            Assert.True(ProcessRun.IsUnreapedChild(pid));
        }
        finally
        {
            transport.SignalProcess(9);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!ChildSpawn.TryReap(pid, out _) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }
        Assert.False(ProcessRun.IsUnreapedChild(pid));
    }
}
