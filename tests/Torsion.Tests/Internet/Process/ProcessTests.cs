using System.ComponentModel;
using System.Text;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// SpawnProcess with real children on every backend: round trips, exit codes and signals, back-pressure in
/// both directions, descriptor mappings, environment and directory, errors, and the order of the protocol's
/// events (Twisted's <c>test_process</c>, in short bounded cases).
/// </summary>
public sealed class ProcessTests
{
    private const string Sh = "/bin/sh";

    private static ReactorBase Create(string name) => (ReactorBase)ReactorNames.Create(name);

    /// <summary>Runs the reactor until the protocol's ProcessEnded (which stops it), after <paramref name="body"/>.</summary>
    private static void RunUntilEnded(ReactorBase reactor, RecordingProcessProtocol protocol, Action body, double timeout = 30)
    {
        var previous = protocol.OnEnded;
        protocol.OnEnded = () =>
        {
            previous?.Invoke();
            reactor.Stop();
        };
        ReactorRunner.Run(reactor, body, timeout);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CatEchoesStdinAndEndsCleanlyAfterCloseStdin(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        IProcessTransport? transport = null;
        int? pidWhileRunning = null;
        RunUntilEnded(reactor, p, () =>
        {
            transport = reactor.SpawnProcess(p, "/bin/cat", ["cat"]);
            pidWhileRunning = transport.Pid;
            transport.Write("hello "u8);
            transport.Write("cat"u8);
            transport.CloseStdin();
        });
        Assert.Equal("hello cat", p.Text(1));
        Assert.IsType<ProcessDone>(p.Exited!.Value);
        Assert.IsType<ProcessDone>(p.Ended!.Value);
        Assert.True(pidWhileRunning > 0);
        Assert.Null(transport!.Pid);
        Assert.Equal("connected", p.Events[0]);
        Assert.Equal("ended", p.Events[^1]);
        Assert.Contains("lost 0", p.Events);
        Assert.Contains("lost 1", p.Events);
        Assert.Contains("lost 2", p.Events);
        Assert.True(p.Events.IndexOf("exited") < p.Events.IndexOf("ended"));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ANonZeroExitIsProcessTerminatedWithTheCode(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, Sh, ["sh", "-c", "exit 3"]));
        var terminated = Assert.IsType<ProcessTerminated>(p.Ended!.Value);
        Assert.Equal(3, terminated.ExitCode);
        Assert.Null(terminated.Signal);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DeathByASignalIsProcessTerminatedWithTheSignal(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, Sh, ["sh", "-c", "kill -9 $$"]));
        var terminated = Assert.IsType<ProcessTerminated>(p.Ended!.Value);
        Assert.Equal(9, terminated.Signal);
        Assert.Null(terminated.ExitCode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFloodingChildIsPacedByThePipeWhileTheTransportIsPaused(string name)
    {
        const long total = 32L * 1024 * 1024;
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        long receivedWhilePaused = -1;
        bool aliveWhilePaused = false;
        RunUntilEnded(reactor, p, () =>
        {
            p.OnConnected = () => p.Transport!.PauseProducing();
            var transport = reactor.SpawnProcess(p, "/usr/bin/head", ["head", "-c", total.ToString(System.Globalization.CultureInfo.InvariantCulture), "/dev/zero"]);
            reactor.CallLater(0.5, () =>
            {
                receivedWhilePaused = p.Received(1);
                aliveWhilePaused = p.Exited is null && transport.Pid is not null;
                transport.ResumeProducing();
            });
        }, timeout: 60);
        Assert.Equal(0, receivedWhilePaused);
        Assert.True(aliveWhilePaused, "the child finished although nobody read its output");
        Assert.Equal(total, p.Received(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AChildOutputPipeHoldsTwiceTheKernelDefault(string name)
    {
        // 96 KiB: more than a default pipe (64 KiB) holds, less than ours (128 KiB). A child writing it to a
        // paused parent exits all the same, and the bytes are all there once the parent reads again.
        const int total = 96 * 1024;
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        long receivedWhilePaused = -1;
        var exitedWhilePaused = false;
        RunUntilEnded(reactor, p, () =>
        {
            IProcessTransport? transport = null;
            p.OnConnected = () => p.Transport!.PauseProducing();
            p.OnExited = () =>
            {
                exitedWhilePaused = true;
                receivedWhilePaused = p.Received(1);
                transport!.ResumeProducing();
            };
            transport = reactor.SpawnProcess(p, "/usr/bin/head", ["head", "-c", total.ToString(System.Globalization.CultureInfo.InvariantCulture), "/dev/zero"]);
        }, timeout: 30);
        Assert.True(exitedWhilePaused, "the child never exited: its output did not fit the pipe");
        Assert.Equal(0, receivedWhilePaused);
        Assert.Equal(total, p.Received(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    /// <summary>Writes 16 KiB chunks to the child's stdin until paused, up to a total, then closes stdin.</summary>
    private sealed class StdinFlood(IProcessTransport transport, long total) : IPushProducer
    {
        private readonly byte[] _chunk = new byte[16 * 1024];
        public long Written;
        public bool Paused;

        public void Produce()
        {
            while (!Paused && Written < total)
            {
                var n = (int)Math.Min(_chunk.Length, total - Written);
                Written += n;
                transport.Write(_chunk.AsSpan(0, n));
            }
            if (Written == total && !Paused)
            {
                transport.UnregisterProducer();
                transport.CloseStdin();
            }
        }

        public void PauseProducing() => Paused = true;

        public void ResumeProducing()
        {
            Paused = false;
            Produce();
        }

        public void StopProducing() => Paused = true;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AChildThatDoesNotReadPausesTheStdinProducerUntilItReads(string name)
    {
        const long total = 8L * 1024 * 1024;
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        long writtenWhilePaused = -1;
        var pausedBeforeGo = false;
        StdinFlood? flood = null;
        RunUntilEnded(reactor, p, () =>
        {
            // The child reads nothing from stdin until a line arrives on its descriptor 3.
            var transport = reactor.SpawnProcess(p, Sh, ["sh", "-c", "read go <&3; exec cat >/dev/null"], childFds: new Dictionary<int, ChildFd>
            {
                [0] = ChildFd.Write,
                [1] = ChildFd.Read,
                [2] = ChildFd.Read,
                [3] = ChildFd.Write,
            });
            flood = new StdinFlood(transport, total);
            transport.RegisterProducer(flood, streaming: true);
            flood.Produce();
            reactor.CallLater(0.5, () =>
            {
                pausedBeforeGo = flood.Paused;
                writtenWhilePaused = flood.Written;
                transport.WriteToChild(3, "go\n"u8);
                transport.CloseChildFd(3);
            });
        }, timeout: 60);
        Assert.True(pausedBeforeGo, "the stdin producer was not paused while the child did not read");
        Assert.InRange(writtenWhilePaused, StreamTransport.HighWaterMark, 1024 * 1024);
        Assert.Equal(total, flood!.Written);
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AChildThatIgnoresTermSurvivesItAndDiesOfKill(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        var aliveAfterTerm = false;
        RunUntilEnded(reactor, p, () =>
        {
            var transport = reactor.SpawnProcess(p, Sh, ["sh", "-c", "trap '' TERM; echo ready; exec sleep 30"]);
            p.OnData = (fd, _) =>
            {
                if (fd != 1 || !p.Text(1).Contains("ready", StringComparison.Ordinal))
                {
                    return;
                }
                p.OnData = null;
                transport.SignalProcess("TERM");
                reactor.CallLater(0.3, () =>
                {
                    aliveAfterTerm = p.Exited is null;
                    transport.SignalProcess("SIGKILL");
                });
            };
        });
        Assert.True(aliveAfterTerm, "the child died of a TERM it ignores");
        Assert.Equal(9, Assert.IsType<ProcessTerminated>(p.Ended!.Value).Signal);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AGrandchildHoldingStdoutDelaysProcessEndedButNotProcessExited(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        string? outputAtExit = null;
        var endedAtExit = true;
        p.OnExited = () =>
        {
            outputAtExit = p.Text(1);
            endedAtExit = p.Ended is not null;
        };
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, Sh, ["sh", "-c", "(sleep 0.5; echo late) & exit 0"]));
        Assert.False(endedAtExit);
        Assert.Equal("", outputAtExit);
        Assert.Equal("late\n", p.Text(1));
        Assert.IsType<ProcessDone>(p.Exited!.Value);
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ExtraDescriptorsAreMappedAndOthersClosed(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, Sh,
            ["sh", "-c", "echo hi >&3; for f in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do if [ -e /proc/$$/fd/$f ]; then printf '%s ' $f; fi; done"],
            childFds: new Dictionary<int, ChildFd> { [1] = ChildFd.Read, [3] = ChildFd.Read }));
        Assert.Equal("hi\n", p.Text(3));
        // The shell's own descriptors (no pipeline, no open: test -e only stats): exactly the two mapped.
        Assert.Equal("1 3 ", p.Text(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnInheritedDescriptorReachesTheChild(string name) => WithPipes(1, (reads, writes) =>
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () =>
        {
            reactor.SpawnProcess(p, Sh, ["sh", "-c", "echo inherited"], childFds: new Dictionary<int, ChildFd> { [1] = ChildFd.Inherit(writes[0]) });
            CloseWriteEnds(writes);
        });
        Assert.Equal("inherited\n", ReadAll(reads[0]));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    });

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ADescriptorInheritedAtItsOwnNumberLosesCloseOnExec(string name) => WithPipes(1, (reads, writes) =>
    {
        // The parent's pipe is close-on-exec (as every descriptor Torsion opens); kept at its own number it
        // takes no dup2 to another number, and must still reach the child open.
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        var fd = writes[0];
        RunUntilEnded(reactor, p, () =>
        {
            // bash: dash's redirections take single-digit descriptors only.
            reactor.SpawnProcess(p, "/bin/bash", ["bash", "-c", $"echo kept >&{fd}"],
                childFds: new Dictionary<int, ChildFd> { [1] = ChildFd.Read, [fd] = ChildFd.Inherit(fd) });
            CloseWriteEnds(writes);
        });
        Assert.Equal("kept\n", ReadAll(reads[0]));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    });

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TwoInheritedDescriptorsCanTradeNumbers(string name) => WithPipes(2, (reads, writes) =>
    {
        // Each source is the other's target: copied out of the way first, or the first dup2 would clobber the second.
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        var (a, b) = (writes[0], writes[1]);
        RunUntilEnded(reactor, p, () =>
        {
            reactor.SpawnProcess(p, "/bin/bash", ["bash", "-c", $"echo one >&{a}; echo two >&{b}"],
                childFds: new Dictionary<int, ChildFd> { [a] = ChildFd.Inherit(b), [b] = ChildFd.Inherit(a) });
            CloseWriteEnds(writes);
        });
        Assert.Equal("two\n", ReadAll(reads[0]));
        Assert.Equal("one\n", ReadAll(reads[1]));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    });

    /// <summary>
    /// Runs <paramref name="test"/> with <paramref name="count"/> fresh pipes (read ends, write ends) and closes
    /// whatever ends are still open afterwards; a test that closes an end itself sets it to -1.
    /// </summary>
    private static void WithPipes(int count, Action<int[], int[]> test)
    {
        var reads = Enumerable.Repeat(-1, count).ToArray();
        var writes = Enumerable.Repeat(-1, count).ToArray();
        try
        {
            for (var i = 0; i < count; i++)
            {
                (reads[i], writes[i]) = PipeDescriptors.CreatePipe();
            }
            test(reads, writes);
        }
        finally
        {
            foreach (var fd in reads.Concat(writes).Where(fd => fd >= 0))
            {
                PipeDescriptors.Close(fd);
            }
        }
    }

    /// <summary>The parent's copies of the write ends, once the child has its own: the reader then sees end of file.</summary>
    private static void CloseWriteEnds(int[] writes)
    {
        for (var i = 0; i < writes.Length; i++)
        {
            PipeDescriptors.Close(writes[i]);
            writes[i] = -1;
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ArgumentsAndEnvironmentReachTheChildAsUtf8(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, Sh, ["sh", "-c", "printf '%s|%s|%s' \"$1\" \"$GREETING\" \"$EMPTY\"", "sh", "ünï ☃"],
            env: new Dictionary<string, string> { ["GREETING"] = "héllo wörld", ["EMPTY"] = "", ["PATH"] = "/usr/bin:/bin" }));
        Assert.Equal("ünï ☃|héllo wörld|", p.Text(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    private static string ReadAll(int fd)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        int n;
        while ((n = PipeDescriptors.Read(fd, buffer)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheEnvironmentIsInheritedEmptyOrGiven(string name)
    {
        Environment.SetEnvironmentVariable("TORSION_PROCESS_TEST", "inherited");
        var reactor = Create(name);
        var inherited = new RecordingProcessProtocol();
        var empty = new RecordingProcessProtocol();
        var given = new RecordingProcessProtocol();
        var ended = 0;
        void Count()
        {
            if (++ended == 3)
            {
                reactor.Stop();
            }
        }
        inherited.OnEnded = empty.OnEnded = given.OnEnded = Count;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.SpawnProcess(inherited, Sh, ["sh", "-c", "echo $TORSION_PROCESS_TEST"]);
            reactor.SpawnProcess(empty, "/usr/bin/env", ["env"], env: new Dictionary<string, string>());
            reactor.SpawnProcess(given, "/usr/bin/env", ["env"], env: new Dictionary<string, string> { ["ONLY"] = "this one" });
        }, timeout: 30);
        Assert.Equal("inherited\n", inherited.Text(1));
        Assert.Equal("", empty.Text(1));
        Assert.Equal("ONLY=this one\n", given.Text(1));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PathIsTheWorkingDirectoryAndABareNameIsLookedUpOnPath(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        var directory = Path.GetFullPath(Path.GetTempPath()).TrimEnd('/');
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, "pwd", ["pwd", "-P"], path: directory,
            env: new Dictionary<string, string> { ["PATH"] = "/nonexistent:/usr/bin:/bin" }));
        Assert.Equal(new DirectoryInfo(directory).ResolveLinkTarget(true)?.FullName ?? directory, p.Text(1).TrimEnd('\n'));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AMissingProgramThrowsFromSpawnProcess(string name)
    {
        var reactor = Create(name);
        Win32Exception? byPath = null, byName = null, badDirectory = null;
        ReactorRunner.Run(reactor, () =>
        {
            byPath = Assert.Throws<Win32Exception>(() => reactor.SpawnProcess(new RecordingProcessProtocol(), "/nonexistent/torsion-no-such-program"));
            byName = Assert.Throws<Win32Exception>(() => reactor.SpawnProcess(new RecordingProcessProtocol(), "torsion-no-such-program"));
            badDirectory = Assert.Throws<Win32Exception>(() => reactor.SpawnProcess(new RecordingProcessProtocol(), "/bin/true", path: "/nonexistent/dir"));
            reactor.Stop();
        }, timeout: 30);
        Assert.Equal(2, byPath!.NativeErrorCode);
        Assert.Contains("/nonexistent/torsion-no-such-program", byPath.Message, StringComparison.Ordinal);
        Assert.Equal(2, byName!.NativeErrorCode);
        Assert.Contains("torsion-no-such-program", byName.Message, StringComparison.Ordinal);
        Assert.Equal(2, badDirectory!.NativeErrorCode);
        Assert.Contains("/nonexistent/dir", badDirectory.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void SignallingAnExitedProcessThrows(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        Exception? thrown = null;
        p.OnExited = () => thrown = Record.Exception(() => p.Transport!.SignalProcess("TERM"));
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, "/bin/true"));
        Assert.IsType<ProcessExitedAlreadyException>(thrown);
        Assert.Throws<ProcessExitedAlreadyException>(() => p.Transport!.SignalProcess(9));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LoseConnectionClosesEveryPipe(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () =>
        {
            var transport = reactor.SpawnProcess(p, "/bin/cat");
            transport.LoseConnection();
            Assert.True(transport.Disconnecting);
        });
        // cat saw end of file on stdin and exited without writing (a write would have met a closed stdout: SIGPIPE).
        Assert.IsType<ProcessDone>(p.Ended!.Value);
        Assert.Contains("lost 0", p.Events);
        Assert.Contains("lost 1", p.Events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ARuntimeProcessAndASpawnedChildExitTogetherAndBothGetTheirCodes(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        using var runtimeChild = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Sh, ["-c", "sleep 0.3; exit 7"]))!;
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, Sh, ["sh", "-c", "sleep 0.3; exit 5"]));
        Assert.True(runtimeChild.WaitForExit(10_000), "the runtime's child was never reaped");
        Assert.Equal(7, runtimeChild.ExitCode);
        Assert.Equal(5, Assert.IsType<ProcessTerminated>(p.Ended!.Value).ExitCode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ManyChildrenExitingTogetherEachGetTheirOwnCode(string name)
    {
        const int count = 20;
        var reactor = Create(name);
        var protocols = Enumerable.Range(0, count).Select(_ => new RecordingProcessProtocol()).ToArray();
        var ended = 0;
        foreach (var p in protocols)
        {
            p.OnEnded = () =>
            {
                if (++ended == count)
                {
                    reactor.Stop();
                }
            };
        }
        ReactorRunner.Run(reactor, () =>
        {
            for (var i = 0; i < count; i++)
            {
                // Signals that arrive together coalesce: every child must still be reaped with its own status.
                reactor.SpawnProcess(protocols[i], Sh, ["sh", "-c", $"sleep 0.2; exit {i + 1}"]);
            }
        }, timeout: 30);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i + 1, Assert.IsType<ProcessTerminated>(protocols[i].Ended!.Value).ExitCode);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void UidAndGidAreApplied(string name)
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("needs root: only root may start a child as another user or group");
        }
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, "/usr/bin/id", ["id"], uid: 65534, gid: 65534));
        Assert.StartsWith("uid=65534(", p.Text(1), StringComparison.Ordinal);
        Assert.Contains(" gid=65534(", p.Text(1), StringComparison.Ordinal);
        Assert.DoesNotContain("groups=0", p.Text(1), StringComparison.Ordinal);
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ShutdownClosesThePipesAndLeavesTheChildRunning(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        int pid = 0;
        ReactorRunner.Run(reactor, () =>
        {
            pid = reactor.SpawnProcess(p, Sh, ["sh", "-c", "exec sleep 30"]).Pid!.Value;
            reactor.CallLater(0.1, reactor.Stop);
        }, timeout: 30);
        try
        {
            Assert.Contains("lost 0", p.Events);
            Assert.Contains("lost 1", p.Events);
            Assert.Contains("lost 2", p.Events);
            Assert.DoesNotContain("exited", p.Events);
            Assert.True(ChildSpawn.Signal(pid, 0), "the child did not outlive the reactor");
        }
        finally
        {
            ChildSpawn.Signal(pid, 9);
            for (var i = 0; i < 100 && !ChildSpawn.TryReap(pid, out _); i++)
            {
                Thread.Sleep(20);
            }
        }
    }
}
