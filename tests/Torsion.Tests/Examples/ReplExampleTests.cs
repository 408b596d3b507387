using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Examples;

/// <summary>
/// examples/Repl (a key/value REPL on LineReceiver over StandardIO) as a real child process on every backend:
/// fed from a pipe, and typed at on a pseudo-terminal made by SpawnProcess(usePty: true).
/// </summary>
public sealed class ReplExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-repl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FedFromAPipeItAnswersEveryLineAndExitsZeroAtEndOfInput(string name)
    {
        ReactorNames.Create(name);
        using var child = StdioChild.StartDotnet("Repl", "--reactor", name);
        child.Write("set greeting hello world\nget greeting\nget nothing\nsum 1 2 3.5\nset b 2\nkeys\ndel greeting\nkeys\nfrobnicate\n\nhelp\n");
        child.CloseStdin();
        Assert.Equal(0, child.WaitForExit());
        // No banner and no prompt: stdout is not a terminal.
        Assert.Equal(
            "OK\nhello world\n(nil)\n6.5\nOK\nb greeting\n1\nb\nerror: unknown command or wrong arguments: frobnicate (try help)\n" +
            "set KEY VALUE   store VALUE (the rest of the line) under KEY\n" +
            "get KEY         print the value of KEY, or (nil)\n" +
            "del KEY         remove KEY\n" +
            "keys            list the keys, in order\n" +
            "sum N...        add numbers\n" +
            "help            this text\n" +
            "quit            leave\n",
            child.StdoutText);
        Assert.Equal("", child.Stderr);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void QuitFromAPipeSaysByeAndIgnoresTheRest(string name)
    {
        ReactorNames.Create(name);
        using var child = StdioChild.StartDotnet("Repl", "--reactor", name);
        // The input stays open: "quit" alone must end the program.
        child.Write("set a 1\nquit\nget a\n");
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal("OK\nbye\n", child.StdoutText);
    }

    /// <summary>Drives the REPL on a terminal: answers each prompt with the next line, collecting everything.</summary>
    private sealed class Typist(IReactor reactor, string[] lines) : ProcessProtocol
    {
        private readonly StringBuilder _seen = new();
        private int _prompts;
        private int _next;

        public string Output => _seen.ToString();
        public Failure? Ended { get; private set; }

        public override void ChildDataReceived(int childFd, ReadOnlySpan<byte> data)
        {
            _seen.Append(Encoding.UTF8.GetString(data));
            // Each "> " the REPL writes is a prompt (the terminal echoes our typing, which has none).
            var prompts = StandardIOChildTests.CountOf(Output, "> ");
            while (_prompts < prompts)
            {
                _prompts++;
                if (_next < lines.Length)
                {
                    Transport!.Write(Encoding.UTF8.GetBytes(lines[_next++] + "\n"));
                }
            }
        }

        public override void ProcessEnded(Failure reason)
        {
            Ended = reason;
            reactor.Stop();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OnATerminalItPromptsAnswersAndQuitsLeavingTheTerminalAsItWas(string name)
    {
        var reactor = ReactorNames.Create(name);
        // A shell on the terminal records its O_NONBLOCK flag and settings, runs the REPL, records them again.
        var inner = Path.Combine(_dir, "repl.sh");
        File.WriteAllText(inner, $"""
            echo "flags-before $(grep flags /proc/$$/fdinfo/0 | cut -f2)"
            echo "stty-before $(stty -g)"
            dotnet '{ChildProcess.ProgramPath("Repl")}' --reactor {name}
            rc=$?
            echo "rc $rc"
            echo "flags-after $(grep flags /proc/$$/fdinfo/0 | cut -f2)"
            echo "stty-after $(stty -g)"
            exit $rc
            """);
        var typist = new Typist(reactor, ["set k some value", "get k", "sum 40 2", "quit"]);
        ReactorRunner.Run(reactor, () =>
            ((IReactorProcess)reactor).SpawnProcess(typist, "/bin/sh", ["sh", inner], usePty: true));
        var text = typist.Output;
        Assert.True(typist.Ended!.Value is ProcessDone, $"{typist.Ended}\n{StdioChild.Escape(text)}");
        Assert.Contains("Torsion REPL: a key/value store.", text);
        // The terminal echoes each line typed; the REPL answers it and prompts again (output "\n" becomes "\r\n").
        Assert.Contains("> set k some value\r\nOK\r\n> get k\r\nsome value\r\n> sum 40 2\r\n42\r\n> quit\r\nbye\r\n", text);
        Assert.Equal("0", StandardIOChildTests.Field(text, "rc"));
        Assert.Equal(StandardIOChildTests.Field(text, "flags-before"), StandardIOChildTests.Field(text, "flags-after"));
        Assert.Equal(0, Convert.ToInt32(StandardIOChildTests.Field(text, "flags-after"), 8) & 0x800);
        Assert.Equal(StandardIOChildTests.Field(text, "stty-before"), StandardIOChildTests.Field(text, "stty-after"));
    }
}
