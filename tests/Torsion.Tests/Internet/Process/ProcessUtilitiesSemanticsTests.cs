using System.ComponentModel;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// What GetProcessOutput, GetProcessValue and GetProcessOutputAndValue make of each thing a child can do,
/// driven by hand through a <see cref="FakeProcessReactor"/> (the same behaviours against real children
/// on every backend are in <see cref="ProcessUtilitiesTests"/>).
/// </summary>
public sealed class ProcessUtilitiesSemanticsTests
{
    private static Failure Done() => new(new ProcessDone());

    private static Failure Exited(int code) => new(new ProcessTerminated(code, null, code << 8));

    private static Failure Signalled(int signal) => new(new ProcessTerminated(null, signal, signal));

    private static Outcome<T> OutcomeOf<T>(Deferred<T> d)
    {
        Outcome<T>? outcome = null;
        d.AddBoth(o => outcome = o);
        return outcome ?? throw new InvalidOperationException("The Deferred has not fired.");
    }

    [Fact]
    public void ExecutableIsArgvZeroAndEnvironmentAndPathPassThrough()
    {
        var reactor = new FakeProcessReactor();
        var env = new Dictionary<string, string> { ["A"] = "1" };
        reactor.GetProcessOutput("/bin/echo", ["x", "y"], env, "/tmp");
        Assert.Equal("/bin/echo", reactor.Executable);
        Assert.Equal(["/bin/echo", "x", "y"], reactor.Args!);
        Assert.Same(env, reactor.Env);
        Assert.Equal("/tmp", reactor.Path);
        // The child's stdin is closed at once, so a child that reads it sees end of file.
        Assert.Equal(["close0"], reactor.Transport!.Events);
    }

    [Fact]
    public void OutputIsEverythingOnStdoutWhateverTheExitCode()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessOutput("prog");
        reactor.Protocol!.ChildDataReceived(1, "hello "u8);
        reactor.Protocol.ChildDataReceived(1, "world"u8);
        Assert.False(d.Called);
        reactor.Protocol.ProcessExited(Exited(3));
        Assert.False(d.Called);
        reactor.Protocol.ProcessEnded(Exited(3));
        Assert.Equal("hello world"u8.ToArray(), OutcomeOf(d).GetValueOrThrow());
    }

    [Fact]
    public void StderrFailsTheOutputAtOnceAndClosesThePipes()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessOutput("prog");
        reactor.Protocol!.ChildDataReceived(1, "partial"u8);
        reactor.Protocol.ChildDataReceived(2, "oops"u8);
        var error = Assert.IsType<UnexpectedErrorOutputException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal("oops"u8.ToArray(), error.Error);
        Assert.Contains("oops", error.Message);
        Assert.Contains("lose", reactor.Transport!.Events);
        // More stderr changes nothing; the end of the child fires ProcessEnded with the reason.
        reactor.Protocol.ChildDataReceived(2, "more"u8);
        Assert.False(error.ProcessEnded.Called);
        reactor.Protocol.ProcessEnded(Exited(1));
        var reason = OutcomeOf(error.ProcessEnded).GetValueOrThrow();
        Assert.Equal(1, Assert.IsType<ProcessTerminated>(reason).ExitCode);
    }

    [Fact]
    public void ErrorTooMergesStderrInArrivalOrder()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessOutput("prog", errorToo: true);
        reactor.Protocol!.ChildDataReceived(1, "a"u8);
        reactor.Protocol.ChildDataReceived(2, "b"u8);
        reactor.Protocol.ChildDataReceived(1, "c"u8);
        reactor.Protocol.ProcessEnded(Done());
        Assert.Equal("abc"u8.ToArray(), OutcomeOf(d).GetValueOrThrow());
        Assert.DoesNotContain("lose", reactor.Transport!.Events);
    }

    [Fact]
    public void ValueIsTheExitCode()
    {
        var reactor = new FakeProcessReactor();
        var zero = reactor.GetProcessValue("prog");
        reactor.Protocol!.ProcessEnded(Done());
        Assert.Equal(0, OutcomeOf(zero).GetValueOrThrow());

        var seven = reactor.GetProcessValue("prog");
        reactor.Protocol!.ChildDataReceived(1, "ignored"u8);
        reactor.Protocol.ChildDataReceived(2, "ignored too"u8);
        reactor.Protocol.ProcessEnded(Exited(7));
        Assert.Equal(7, OutcomeOf(seven).GetValueOrThrow());
    }

    [Fact]
    public void ValueOfAChildKilledByASignalIsTheProcessTerminatedFailure()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessValue("prog");
        reactor.Protocol!.ProcessEnded(Signalled(9));
        Assert.Equal(9, Assert.IsType<ProcessTerminated>(OutcomeOf(d).Failure!.Value).Signal);
    }

    [Fact]
    public void OutputAndValueKeepsTheStreamsApartAndWritesStdinFirst()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessOutputAndValue("prog", stdinBytes: "input"u8.ToArray());
        Assert.Equal("input"u8.ToArray(), reactor.Transport!.Stdin.ToArray());
        Assert.Equal(["close0"], reactor.Transport.Events);
        reactor.Protocol!.ChildDataReceived(1, "out"u8);
        reactor.Protocol.ChildDataReceived(2, "err"u8);
        reactor.Protocol.ProcessEnded(Exited(2));
        var result = OutcomeOf(d).GetValueOrThrow();
        Assert.Equal("out"u8.ToArray(), result.Out);
        Assert.Equal("err"u8.ToArray(), result.Err);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void OutputAndValueOfAChildKilledByASignalCarriesWhatItWrote()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessOutputAndValue("prog");
        reactor.Protocol!.ChildDataReceived(1, "so far"u8);
        reactor.Protocol.ChildDataReceived(2, "dying"u8);
        reactor.Protocol.ProcessEnded(Signalled(15));
        var e = Assert.IsType<ProcessSignalledException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal("so far"u8.ToArray(), e.Out);
        Assert.Equal("dying"u8.ToArray(), e.Err);
        Assert.Equal(15, e.Signal);
    }

    [Fact]
    public void CancellingKillsTheChildAndItsEndIsIgnored()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessOutputAndValue("prog");
        d.Cancel();
        Assert.IsType<CancelledException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal(["close0", "signal KILL", "lose"], reactor.Transport!.Events);
        // The killed child's end arrives later and must not fire the Deferred again (that would throw).
        reactor.Protocol!.ProcessEnded(Signalled(9));
    }

    [Fact]
    public void CancellingAfterTheChildExitedOnlyClosesThePipes()
    {
        var reactor = new FakeProcessReactor();
        var d = reactor.GetProcessValue("prog");
        reactor.Transport!.Pid = null;
        d.Cancel();
        Assert.IsType<CancelledException>(OutcomeOf(d).Failure!.Value);
        Assert.Equal(["close0", "lose"], reactor.Transport.Events);
        reactor.Protocol!.ProcessEnded(Done());
    }

    [Fact]
    public void AChildThatCannotStartFailsTheDeferred()
    {
        var reactor = new FakeProcessReactor { SpawnError = new Win32Exception(2, "No such file or directory") };
        var d = reactor.GetProcessOutput("/nonexistent");
        Assert.Equal(2, Assert.IsType<Win32Exception>(OutcomeOf(d).Failure!.Value).NativeErrorCode);
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        var reactor = new FakeProcessReactor();
        Assert.Throws<ArgumentException>(() => reactor.GetProcessValue(""));
        Assert.Throws<ArgumentNullException>(() => ((IReactorProcess)null!).GetProcessValue("x"));
    }
}
