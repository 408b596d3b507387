using Torsion.Defer;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// What GetProcessOutput, GetProcessValue and GetProcessOutputAndValue make of each thing a child can do,
/// played by hand through <see cref="MemoryReactor"/>'s fake children (the same behaviours against real
/// children on every backend are in <see cref="ProcessUtilitiesTests"/>).
/// </summary>
public sealed class ProcessUtilitiesSemanticsTests
{
    private readonly MemoryReactor _reactor = new();

    private MemoryProcessTransport Child => _reactor.Processes[^1].Transport;

    /// <summary>The child closes what it still has open, then exits: ProcessEnded follows.</summary>
    private void End(int exitCode, int? signal = null)
    {
        foreach (var fd in Child.OpenChildFds.ToArray())
        {
            Child.CloseFromChild(fd);
        }
        Child.Exit(exitCode, signal);
    }

    private static Outcome<T> OutcomeOf<T>(Deferred<T> d)
    {
        Outcome<T>? outcome = null;
        d.AddBoth(o => outcome = o);
        return outcome ?? throw new InvalidOperationException("The Deferred has not fired.");
    }

    [Fact]
    public void ExecutableIsArgvZeroAndEnvironmentAndPathPassThrough()
    {
        var env = new Dictionary<string, string> { ["A"] = "1" };
        _reactor.GetProcessOutput("/bin/echo", ["x", "y"], env, "/tmp");
        var record = Assert.Single(_reactor.Processes);
        Assert.Equal("/bin/echo", record.Executable);
        Assert.Equal(["/bin/echo", "x", "y"], record.Args!);
        Assert.Same(env, record.Env);
        Assert.Equal("/tmp", record.Path);
        Assert.Null(record.ChildFds);
        // The child's stdin is closed at once, so a child that reads it sees end of file.
        Assert.Equal([1, 2], Child.OpenChildFds.Order());
    }

    [Fact]
    public void OutputIsEverythingOnStdoutWhateverTheExitCodeOnceTheChildHasEnded()
    {
        var d = _reactor.GetProcessOutput("prog");
        Child.Deliver(1, "hello "u8);
        Child.Deliver(1, "world"u8);
        Child.Exit(3);
        // Exited, but its pipes are still open (a grandchild could still write): not ended yet.
        Assert.False(d.Called);
        Child.CloseFromChild(1);
        Child.CloseFromChild(2);
        Assert.Equal("hello world"u8.ToArray(), OutcomeOf(d).GetValueOrThrow());
    }

    [Fact]
    public void StderrFailsTheOutputAtOnceAndClosesThePipes()
    {
        var d = _reactor.GetProcessOutput("prog");
        Child.Deliver(1, "partial"u8);
        Child.Deliver(2, "oops"u8);
        var error = Assert.IsType<UnexpectedErrorOutputException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal("oops"u8.ToArray(), error.Error);
        Assert.Contains("oops", error.Message);
        Assert.True(Child.Disconnecting);
        Assert.Empty(Child.OpenChildFds);
        // The end of the child fires ProcessEnded with the reason.
        Assert.False(error.ProcessEnded.Called);
        Child.Exit(1);
        Assert.Equal(1, Assert.IsType<ProcessTerminated>(OutcomeOf(error.ProcessEnded).GetValueOrThrow()).ExitCode);
    }

    [Fact]
    public void ErrorTooMergesStderrInArrivalOrder()
    {
        var d = _reactor.GetProcessOutput("prog", errorToo: true);
        Child.Deliver(1, "a"u8);
        Child.Deliver(2, "b"u8);
        Child.Deliver(1, "c"u8);
        Assert.False(Child.Disconnecting);
        End(0);
        Assert.Equal("abc"u8.ToArray(), OutcomeOf(d).GetValueOrThrow());
    }

    [Fact]
    public void ValueIsTheExitCode()
    {
        var zero = _reactor.GetProcessValue("prog");
        End(0);
        Assert.Equal(0, OutcomeOf(zero).GetValueOrThrow());

        var seven = _reactor.GetProcessValue("prog");
        Child.Deliver(1, "ignored"u8);
        Child.Deliver(2, "ignored too"u8);
        End(7);
        Assert.Equal(7, OutcomeOf(seven).GetValueOrThrow());
    }

    [Fact]
    public void ValueOfAChildKilledByASignalIsTheProcessTerminatedFailure()
    {
        var d = _reactor.GetProcessValue("prog");
        End(0, signal: 9);
        var terminated = Assert.IsType<ProcessTerminated>(OutcomeOf(d).Failure!.Value);
        Assert.Equal(9, terminated.Signal);
        Assert.Null(terminated.ExitCode);
    }

    [Fact]
    public void OutputAndValueKeepsTheStreamsApartAndWritesStdinFirst()
    {
        var d = _reactor.GetProcessOutputAndValue("prog", stdinBytes: "input"u8.ToArray());
        Assert.Equal("input"u8.ToArray(), Child.Written(0));
        Assert.DoesNotContain(0, Child.OpenChildFds);
        Child.Deliver(1, "out"u8);
        Child.Deliver(2, "err"u8);
        End(2);
        var result = OutcomeOf(d).GetValueOrThrow();
        Assert.Equal("out"u8.ToArray(), result.Out);
        Assert.Equal("err"u8.ToArray(), result.Err);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void OutputAndValueOfAChildKilledByASignalCarriesWhatItWrote()
    {
        var d = _reactor.GetProcessOutputAndValue("prog");
        Child.Deliver(1, "so far"u8);
        Child.Deliver(2, "dying"u8);
        End(0, signal: 15);
        var e = Assert.IsType<ProcessSignalledException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal("so far"u8.ToArray(), e.Out);
        Assert.Equal("dying"u8.ToArray(), e.Err);
        Assert.Equal(15, e.Signal);
    }

    [Fact]
    public void CancellingKillsTheChildAndItsEndIsIgnored()
    {
        var d = _reactor.GetProcessOutputAndValue("prog");
        d.Cancel();
        Assert.IsType<CancelledException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal([9], Child.Signals);
        Assert.True(Child.Disconnecting);
        Assert.Empty(Child.OpenChildFds);
        // The killed child's end arrives later and must not fire the Deferred again (that would throw).
        Child.Exit(0, signal: 9);
    }

    [Fact]
    public void CancellingAfterTheChildExitedClosesThePipesAndStillCancels()
    {
        var d = _reactor.GetProcessValue("prog");
        Child.Exit(0);
        // Exited but not ended (its pipes are open): no signal to send, and the end that closing the pipes
        // brings about inside the cancellation does not fire the Deferred with the exit code.
        d.Cancel();
        Assert.IsType<CancelledException>(OutcomeOf(d).Failure!.Value);
        Assert.Empty(Child.Signals);
        Assert.Empty(Child.OpenChildFds);
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        Assert.Throws<ArgumentException>(() => _reactor.GetProcessValue(""));
        Assert.Throws<ArgumentNullException>(() => ((IReactorProcess)null!).GetProcessValue("x"));
        Assert.Empty(_reactor.Processes);
    }
}
