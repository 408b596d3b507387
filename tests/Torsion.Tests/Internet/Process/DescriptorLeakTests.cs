using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// Many children through SpawnProcess leave nothing behind: once every ProcessEnded has arrived the
/// parent's descriptor count is back where it started and no child is left unreaped; and a child gets
/// only the descriptors it was given, never the parent's others (even ones without close-on-exec).
/// </summary>
[Collection(DescriptorCountCollection.Name)]
public sealed class DescriptorLeakTests
{
    private const int InFlight = 16;

    /// <summary>A child that records its pid and its end; every fourth is a cat whose stdin is closed at once.</summary>
    private sealed class Child(bool closeStdin, Action<Child> ended) : ProcessProtocol
    {
        public int Pid { get; private set; }

        public Failure? Reason { get; private set; }

        public override void ConnectionMade()
        {
            Pid = Transport!.Pid ?? throw new InvalidOperationException("no pid after spawn");
            if (closeStdin)
            {
                Transport.CloseStdin();
            }
        }

        public override void ProcessEnded(Failure reason)
        {
            Reason = reason;
            ended(this);
        }
    }

    /// <summary>Every descriptor this process has open (pipes, sockets, epoll and eventfds, files), by number.</summary>
    private static Dictionary<string, string> OpenDescriptors()
    {
        var open = new Dictionary<string, string>();
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                open[Path.GetFileName(path)] = new FileInfo(path).LinkTarget ?? "?";
            }
            catch (IOException)
            {
                // Closed between the listing and the look (the listing's own directory descriptor, at least).
            }
        }
        return open;
    }

    /// <summary>Spawns <paramref name="total"/> children, <see cref="InFlight"/> at a time, and returns them once all have ended.</summary>
    private static List<Child> SpawnMany(IReactor reactor, int total)
    {
        var children = new List<Child>(total);
        var ended = 0;
        ReactorRunner.Run(reactor, () =>
        {
            var processes = ProcessRun.Processes(reactor);
            void Next()
            {
                var isCat = children.Count % 4 == 3;
                var program = isCat ? "/bin/cat" : "/bin/true";
                var child = new Child(isCat, Ended);
                children.Add(child);
                processes.SpawnProcess(child, program, [program]);
            }
            void Ended(Child child)
            {
                ended++;
                if (children.Count < total)
                {
                    Next();
                }
                else if (ended == total)
                {
                    reactor.Stop();
                }
            }
            for (var i = 0; i < Math.Min(InFlight, total); i++)
            {
                Next();
            }
        }, timeout: 120);
        Assert.Equal(total, ended);
        return children;
    }

    private static void AssertNothingLeaks(string name, int total)
    {
        // Warm-up, off the count: the first spawn may set up what lives as long as the process (the
        // runtime's own SIGCHLD handling, JIT-compiled code mapping its assemblies).
        SpawnMany(ReactorNames.Create(name), InFlight);
        var before = OpenDescriptors();
        var children = SpawnMany(ReactorNames.Create(name), total);
        Assert.All(children, c => Assert.IsType<ProcessDone>(c.Reason!.Value));
        Assert.Equal(total, children.Select(c => c.Pid).Distinct().Count());
        var unreaped = children.Where(c => ProcessRun.IsUnreapedChild(c.Pid)).Select(c => c.Pid).ToList();
        Assert.True(unreaped.Count == 0, $"children not reaped after ProcessEnded: {string.Join(", ", unreaped)}");
        // The reactor closed its own descriptors when it stopped; every pipe to every child is closed. On the
        // sockets backend a pipe's thread closes its descriptor and its eventfd just after handing the end of
        // the pipe to the loop, so the last ones may still be closing: wait (bounded) for the count to settle.
        var after = OpenDescriptors();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); after.Count != before.Count && DateTime.UtcNow < deadline; after = OpenDescriptors())
        {
            Thread.Sleep(10);
        }
        var opened = after.Where(kv => !before.TryGetValue(kv.Key, out var t) || t != kv.Value).Select(kv => $"{kv.Key}={kv.Value}");
        var closed = before.Where(kv => !after.TryGetValue(kv.Key, out var t) || t != kv.Value).Select(kv => $"{kv.Key}={kv.Value}");
        Assert.True(after.Count == before.Count, $"{before.Count} descriptors before {total} children, {after.Count} after; new: {string.Join(", ", opened)}; gone: {string.Join(", ", closed)}");
    }

    [Fact]
    public void AThousandChildrenOnEpollLeaveNoDescriptorAndNoZombie() => AssertNothingLeaks("epoll", 1000);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AHundredChildrenLeaveNoDescriptorAndNoZombie(string name) => AssertNothingLeaks(name, 100);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public unsafe void TheChildSeesOnlyItsOwnDescriptors(string name)
    {
        var reactor = ReactorNames.Create(name);
        // A pipe without close-on-exec: the kind of descriptor a careless library leaves open, which a
        // plain fork-and-exec would hand to every child.
        var fds = stackalloc int[2];
        Assert.Equal(0, LibC.Pipe2(fds, 0));
        try
        {
            // `; true` keeps dash from exec-ing ls in its place: ls lists the shell's descriptors, not its own.
            var outcome = ProcessRun.Until(reactor, r => r.GetProcessOutput("/bin/sh", ["-c", "ls /proc/$$/fd; true"]));
            var listed = Encoding.ASCII.GetString(outcome.GetValueOrThrow()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
            Assert.Equal(["0", "1", "2"], listed);
        }
        finally
        {
            LibC.Close(fds[0]);
            LibC.Close(fds[1]);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AChildGivenAnExtraDescriptorSeesExactlyThatOne(string name)
    {
        var reactor = ReactorNames.Create(name);
        var lines = new List<string>();
        var got = new StringBuilder();
        ReactorRunner.Run(reactor, () => ProcessRun.Processes(reactor).SpawnProcess(
            new Collector(got, reactor),
            "/bin/sh",
            ["/bin/sh", "-c", "ls /proc/$$/fd; echo to-five >&5; true"],
            childFds: new Dictionary<int, ChildFd> { [0] = ChildFd.Write, [1] = ChildFd.Read, [2] = ChildFd.Read, [5] = ChildFd.Read }));
        lines.AddRange(got.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["0", "1", "2", "5", "5:to-five"], lines.Order());
    }

    /// <summary>Collects what the child writes to 1 as is and to other descriptors as "fd:line".</summary>
    private sealed class Collector(StringBuilder got, IReactor reactor) : ProcessProtocol
    {
        public override void ConnectionMade() => Transport!.CloseStdin();

        public override void ChildDataReceived(int childFd, ReadOnlySpan<byte> data)
        {
            var text = Encoding.ASCII.GetString(data);
            got.Append(childFd == 1 ? text : $"{childFd}:{text}");
        }

        public override void ProcessEnded(Failure reason) => reactor.Stop();
    }
}
