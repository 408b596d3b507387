using System.ComponentModel;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// GetProcessOutput, GetProcessValue and GetProcessOutputAndValue (Twisted's utils) with real children
/// on every backend: output, stderr handling, exit codes, deaths by signal, and cancellation killing
/// the child.
/// </summary>
public sealed class ProcessUtilitiesTests
{
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OutputOfEcho(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name), r => r.GetProcessOutput("/bin/echo", ["hello", "world"]));
        Assert.Equal("hello world\n", Text(outcome.GetValueOrThrow()));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EnvironmentAndWorkingDirectoryReachTheChild(string name)
    {
        var env = new Dictionary<string, string> { ["TORSION_X"] = "y z" };
        var outcome = ProcessRun.Until(ReactorNames.Create(name),
            r => r.GetProcessOutput("/bin/sh", ["-c", "pwd; env"], env, "/tmp"));
        // The environment is exactly the one given (dash adds PWD itself).
        var lines = Text(outcome.GetValueOrThrow()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/tmp", lines[0]);
        Assert.Contains("TORSION_X=y z", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("PATH=", StringComparison.Ordinal) || l.StartsWith("HOME=", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StderrFailsTheOutputAndTheChildStillEnds(string name)
    {
        var reactor = ReactorNames.Create(name);
        Outcome<byte[]>? outcome = null;
        Exception? endReason = null;
        ReactorRunner.Run(reactor, () => ProcessRun.Processes(reactor)
            .GetProcessOutput("/bin/sh", ["-c", "echo partial; echo oops >&2; exit 5"])
            .AddBoth(o =>
            {
                outcome = o;
                // The Deferred fails at the first stderr bytes; wait for the child's end as well, so the
                // test leaves nothing running.
                ((UnexpectedErrorOutputException)o.Failure!.Value).ProcessEnded.AddCallback(e =>
                {
                    endReason = e;
                    reactor.Stop();
                });
                return 0;
            }));
        var error = Assert.IsType<UnexpectedErrorOutputException>(outcome!.Value.Failure!.Value);
        Assert.Equal("oops\n", Text(error.Error));
        Assert.Contains("oops", error.Message);
        // The pipes were closed at the first stderr bytes; the child exits either way (5, or killed by
        // SIGPIPE if it wrote after that).
        Assert.IsType<ProcessTerminated>(endReason);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ErrorTooCollectsBothStreams(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name),
            r => r.GetProcessOutput("/bin/sh", ["-c", "echo out; echo err >&2; exit 2"], errorToo: true));
        // Two pipes: which one the reactor reads first is not fixed, so compare the lines as a set.
        var lines = Text(outcome.GetValueOrThrow()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(["err", "out"], lines);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ValueIsTheExitCode(string name)
    {
        var reactor = ReactorNames.Create(name);
        var outcome = ProcessRun.Until(reactor, r => Deferred.GatherResults<int>([
            r.GetProcessValue("/bin/true"),
            r.GetProcessValue("/bin/false"),
            r.GetProcessValue("/bin/sh", ["-c", "exit 3"]),
            r.GetProcessValue("/bin/sh", ["-c", "echo noise; echo more >&2; exit 255"]),
        ]));
        Assert.Equal([0, 1, 3, 255], outcome.GetValueOrThrow());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ValueOfAChildKilledByASignalFailsWithProcessTerminated(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name), r => r.GetProcessValue("/bin/sh", ["-c", "kill -TERM $$"]));
        var terminated = Assert.IsType<ProcessTerminated>(outcome.Failure!.Value);
        Assert.Equal(15, terminated.Signal);
        Assert.Null(terminated.ExitCode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OutputAndValueKeepsTheStreamsApart(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name),
            r => r.GetProcessOutputAndValue("/bin/sh", ["-c", "echo o; echo e >&2; exit 4"]));
        var result = outcome.GetValueOrThrow();
        Assert.Equal("o\n", Text(result.Out));
        Assert.Equal("e\n", Text(result.Err));
        Assert.Equal(4, result.ExitCode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OutputAndValueWritesStdinAndClosesIt(string name)
    {
        var input = new byte[200_000];
        new Random(13).NextBytes(input);
        var outcome = ProcessRun.Until(ReactorNames.Create(name), r => r.GetProcessOutputAndValue("/bin/cat", stdinBytes: input));
        var result = outcome.GetValueOrThrow();
        Assert.Equal(input, result.Out);
        Assert.Empty(result.Err);
        Assert.Equal(0, result.ExitCode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OutputAndValueOfAChildKilledByASignalCarriesWhatItWrote(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name),
            r => r.GetProcessOutputAndValue("/bin/sh", ["-c", "echo before; echo dying >&2; kill -KILL $$"]));
        var e = Assert.IsType<ProcessSignalledException>(outcome.Failure!.Value);
        Assert.Equal("before\n", Text(e.Out));
        Assert.Equal("dying\n", Text(e.Err));
        Assert.Equal(9, e.Signal);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StdinIsClosedSoAReadingChildDoesNotHang(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name), r => r.GetProcessOutput("/bin/cat"));
        Assert.Empty(outcome.GetValueOrThrow());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AProgramThatDoesNotExistFailsTheDeferred(string name)
    {
        var outcome = ProcessRun.Until(ReactorNames.Create(name), r => r.GetProcessValue("/nonexistent/torsion-no-such-program"));
        Assert.IsType<Win32Exception>(outcome.Failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingKillsTheChild(string name)
    {
        var reactor = ReactorNames.Create(name);
        var pidFile = Path.Combine(Path.GetTempPath(), $"torsion-cancel-{Guid.NewGuid():N}");
        Outcome<int>? outcome = null;
        var pid = 0;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                // The child says who it is (through a file: its stdout is only delivered at the end), then
                // becomes a long sleep under the same pid.
                var d = ProcessRun.Processes(reactor).GetProcessValue("/bin/sh", ["-c", $"echo $$ > {pidFile}.tmp && mv {pidFile}.tmp {pidFile} && exec sleep 60"]);
                d.AddBoth(o =>
                {
                    outcome = o;
                    return 0;
                });
                // Wait (bounded: the reactor's watchdog) for the pid, cancel, then for the child to be reaped.
                void WaitForPid()
                {
                    if (!File.Exists(pidFile))
                    {
                        reactor.CallLater(0.01, WaitForPid);
                        return;
                    }
                    pid = int.Parse(File.ReadAllText(pidFile).Trim());
                    Assert.True(ProcessRun.IsUnreapedChild(pid), $"{pid} is not a running child");
                    d.Cancel();
                    WaitForReaped();
                }
                void WaitForReaped()
                {
                    if (ProcessRun.IsUnreapedChild(pid))
                    {
                        reactor.CallLater(0.01, WaitForReaped);
                        return;
                    }
                    reactor.Stop();
                }
                WaitForPid();
            });
        }
        finally
        {
            File.Delete(pidFile);
        }
        Assert.IsType<CancelledException>(outcome!.Value.Failure!.Value);
        // Killed and reaped: no child of ours has that pid any more (another process may reuse the number).
        Assert.False(ProcessRun.IsUnreapedChild(pid));
    }
}
