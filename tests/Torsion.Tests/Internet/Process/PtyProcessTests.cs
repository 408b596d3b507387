using System.Text.RegularExpressions;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// SpawnProcess with usePty on every backend: the child's stdin and stdout are a terminal it controls, its output
/// arrives as descriptor 1, what the parent writes reaches it as typed input, and the master's EIO after the
/// child's exit is end of file (ProcessDone, not an error).
/// </summary>
public sealed partial class PtyProcessTests
{
    [GeneratedRegex(@"^/dev/pts/\d+\r?\n$")]
    private static partial Regex PtsName();

    private static ReactorBase Create(string name) => (ReactorBase)ReactorNames.Create(name);

    private static void RunUntilEnded(ReactorBase reactor, RecordingProcessProtocol protocol, Action body)
    {
        protocol.OnEnded = reactor.Stop;
        ReactorRunner.Run(reactor, body, timeout: 30);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TtyNamesAPseudoTerminal(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, "/usr/bin/tty", ["tty"], usePty: true));
        Assert.Matches(PtsName(), p.Text(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
        Assert.Equal(0, p.Received(2));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StdinAndStdoutAreTerminals(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, "/bin/sh", ["sh", "-c", "test -t 0 && test -t 1 && test -t 2 && echo yes"], usePty: true));
        Assert.Equal("yes\r\n", p.Text(1));
        Assert.IsType<ProcessDone>(p.Ended!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ALineWrittenToTheChildIsReadBack(string name)
    {
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () =>
        {
            var transport = reactor.SpawnProcess(p, "/bin/cat", ["cat"], usePty: true);
            p.OnData = (_, _) =>
            {
                // The terminal echoes the line and cat writes it back: two copies, then end of input (^D).
                if (p.Text(1).Split("a line").Length == 3)
                {
                    p.OnData = null;
                    transport.Write("\x04"u8);
                }
            };
            transport.Write("a line\n"u8);
        });
        Assert.Equal("a line\r\na line\r\n", p.Text(1));
        Assert.True(p.Ended!.Value is ProcessDone, p.Ended.Value.Message + " events: " + string.Join(", ", p.Events) + " text: " + p.Text(1).Replace("\r", "\\r").Replace("\n", "\\n"));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheChildLeadsItsOwnSession(string name)
    {
        Torsion.TestSupport.Peers.RequireProgram("ps", "procps");
        var reactor = Create(name);
        var p = new RecordingProcessProtocol();
        RunUntilEnded(reactor, p, () => reactor.SpawnProcess(p, "/bin/sh", ["sh", "-c", "ps -o pid=,sid=,tpgid= -p $$"], usePty: true));
        var fields = p.Text(1).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, fields.Length);
        Assert.Equal(fields[0], fields[1]);
        Assert.Equal(fields[0], fields[2]);
    }
}
