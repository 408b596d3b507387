using System.Text;
using Torsion.Tests.Support;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet;

/// <summary>
/// StandardIO in a real child process (Torsion.TestPrograms' stdio-echo mode), on every backend: stdin and
/// stdout as pipes, stdin as a regular file, and both on a pseudo-terminal (through util-linux's <c>script</c>).
/// </summary>
public sealed class StandardIOChildTests : IDisposable
{
    private const string Program = "Torsion.TestPrograms";
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-stdio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool Readiness(string name) => name != "sockets";

    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PipesEchoThenHalfCloseOnEndOfInput(string name)
    {
        ReactorNames.Create(name);
        var input = Payload(1 << 20, 1);
        using var child = StdioChild.StartDotnet(Program, "stdio-echo", name, "half");
        child.Write(input);
        child.CloseStdin();
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal([.. input, .. "[eof]\n"u8], child.Stdout);
        var lines = child.StderrLines;
        // Pipes are watched by the reactor (non-blocking) on readiness backends; the sockets backend uses threads.
        var nonBlocking = Readiness(name) ? "True" : "False";
        Assert.Equal(
            [$"connected peer=pipe host=pipe in-tty=False out-tty=False in-nonblock={nonBlocking} out-nonblock={nonBlocking}",
             "read-eof", "write-closed", "lost ConnectionDone", "exit"],
            lines);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EndOfInputEndsAPlainProtocolAfterItsOutputAndTheFlagsAreRestored(string name)
    {
        ReactorNames.Create(name);
        // The shell shares the child's pipes (the same open file descriptions): after the child exits it reads
        // their flags, so O_NONBLOCK left behind would show.
        using var child = StdioChild.StartShell(
            "dotnet \"$0\" stdio-echo \"$1\" plain; echo \"rc $?\" >&2; grep flags /proc/$$/fdinfo/0 >&2; grep flags /proc/$$/fdinfo/1 >&2",
            ChildProcess.ProgramPath(Program), name);
        var input = Payload(300_000, 2);
        child.Write(input);
        child.CloseStdin();
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal(input, child.Stdout);
        var lines = child.StderrLines;
        Assert.Contains("lost ConnectionDone", lines);
        Assert.Contains("rc 0", lines);
        Assert.StartsWith("connected", lines[0]);
        Assert.Contains($"in-nonblock={Readiness(name)}", lines[0]);
        var flags = lines.Where(l => l.StartsWith("flags:", StringComparison.Ordinal)).Select(l => Convert.ToInt32(l["flags:".Length..].Trim(), 8)).ToArray();
        Assert.Equal(2, flags.Length);
        Assert.All(flags, f => Assert.Equal(0, f & 0x800));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LoseWriteConnectionClosesStdoutWhileReadingGoesOn(string name)
    {
        ReactorNames.Create(name);
        using var child = StdioChild.StartDotnet(Program, "stdio-echo", name, "half");
        child.Write("one\nshut\n");
        // Our end of stdout sees end of file while the child still runs, reading.
        child.WaitForStdoutEnd();
        Assert.False(child.HasExited);
        Assert.Equal("one\nshut\n", child.StdoutText);
        child.WaitFor(c => c.StderrLines.Contains("write-closed"), "write-closed");
        child.Write("two\n");
        child.CloseStdin();
        Assert.Equal(0, child.WaitForExit());
        // The write side closed first; end of input then closes the read side and so the connection.
        Assert.Equal(["write-closed", "read-eof", "lost ConnectionDone", "exit"], child.StderrLines.Skip(1));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ClosingStdoutLeavesStderrOnTheSamePipeWorking(string name)
    {
        ReactorNames.Create(name);
        // 2>&1: stderr writes to stdout's pipe, so closing stdout must not take stderr with it.
        using var child = StdioChild.StartShell("exec dotnet \"$0\" stdio-echo \"$1\" half 2>&1", ChildProcess.ProgramPath(Program), name);
        child.Write("one\nshut\n");
        child.WaitFor(c => c.StdoutText.Contains("write-closed\n"), "write-closed");
        child.CloseStdin();
        Assert.Equal(0, child.WaitForExit());
        var text = child.StdoutText;
        Assert.Contains("one\nshut\n", text);
        Assert.EndsWith("write-closed\nread-eof\nlost ConnectionDone\nexit\n", text);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFileAsStdinIsReadToItsEnd(string name)
    {
        ReactorNames.Create(name);
        var path = Path.Combine(_dir, "input.bin");
        var input = Payload(700_001, 3);
        File.WriteAllBytes(path, input);
        using var child = StdioChild.StartShell("exec dotnet \"$0\" stdio-echo \"$1\" half < \"$2\"", ChildProcess.ProgramPath(Program), name, path);
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal([.. input, .. "[eof]\n"u8], child.Stdout);
        Assert.Equal(["read-eof", "write-closed", "lost ConnectionDone", "exit"], child.StderrLines.Skip(1));
        // A regular file is always "ready": read by a thread, never made non-blocking.
        Assert.Contains("in-nonblock=False", child.StderrLines[0]);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFullStdoutPausesStdinSoTheWriterBlocks(string name)
    {
        ReactorNames.Create(name);
        const int Total = 16 << 20;
        const long Bound = 4 << 20;
        var input = Payload(Total, 4);
        using var child = StdioChild.StartDotnetWithStdoutHeld(Program, "stdio-echo", name, "half");
        long written = 0;
        Exception? writeError = null;
        var writer = new Thread(() =>
        {
            try
            {
                for (var at = 0; at < Total; at += 64 * 1024)
                {
                    child.Stdin.Write(input, at, 64 * 1024);
                    child.Stdin.Flush();
                    Interlocked.Add(ref written, 64 * 1024);
                }
                child.CloseStdin();
            }
            catch (Exception e)
            {
                writeError = e;
            }
        }) { IsBackground = true };
        writer.Start();

        // Nobody reads the child's stdout: its echo fills the pipe, the transport pauses reading stdin, and our
        // writer blocks. Wait until the writer has made no progress for half a second (at most 30 s).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long last = -1;
        var stableSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            var now = Interlocked.Read(ref written);
            if (now != last)
            {
                last = now;
                stableSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(500))
            {
                break;
            }
            Thread.Sleep(20);
        }
        var stalledAt = Interlocked.Read(ref written);
        Assert.True(stalledAt < Bound, $"the writer got {stalledAt} bytes into a child whose stdout nobody reads");
        Assert.False(child.HasExited);

        child.ReleaseStdout();
        Assert.True(writer.Join(TimeSpan.FromSeconds(60)));
        Assert.Null(writeError);
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal([.. input, .. "[eof]\n"u8], child.Stdout);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheStdioEndpointConnectsTheFactorysProtocol(string name)
    {
        ReactorNames.Create(name);
        using var child = StdioChild.StartDotnet(Program, "stdio-echo", name, "endpoint");
        child.Write("through the endpoint\n");
        child.CloseStdin();
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal("through the endpoint\n", child.StdoutText);
        var lines = child.StderrLines;
        Assert.StartsWith("connected peer=pipe host=pipe", lines[0]);
        Assert.Equal(["listening pipe", "lost ConnectionDone", "exit"], lines.Skip(1));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OnATerminalTheFlagsAreNeverTouched(string name)
    {
        ReactorNames.Create(name);
        var script = Peers.RequireProgram("script", "bsdutils");
        // Inside the pseudo-terminal: the shell records the terminal's O_NONBLOCK and settings, runs the echo,
        // then records them again.
        var inner = Path.Combine(_dir, "inner.sh");
        File.WriteAllText(inner, $"""
            echo "flags-before $(grep flags /proc/$$/fdinfo/0 | cut -f2)"
            echo "stty-before $(stty -g)"
            dotnet '{ChildProcess.ProgramPath(Program)}' stdio-echo {name} half
            echo "rc $?"
            echo "flags-after $(grep flags /proc/$$/fdinfo/0 | cut -f2)"
            echo "stty-after $(stty -g)"
            """);
        using var child = StdioChild.Start(script, "-qfec", $"sh {inner}", "/dev/null");
        child.WaitFor(c => c.StdoutText.Contains("connected"), "connected");
        Assert.Contains("in-tty=True out-tty=True in-nonblock=False out-nonblock=False", child.StdoutText);
        child.Write("ping\n");
        // The terminal echoes what is typed, and the program echoes the line it reads: "ping" twice.
        child.WaitFor(c => CountOf(c.StdoutText, "ping\r\n") >= 2, "the echoed line");
        child.Write("\u0004");
        child.WaitFor(c => c.StdoutText.Contains("stty-after"), "the shell's report after the program");
        Assert.Equal(0, child.WaitForExit());
        var text = child.StdoutText;
        Assert.Contains("[eof]\r\n", text);
        Assert.Contains("lost ConnectionDone\r\n", text);
        Assert.Contains("rc 0\r\n", text);
        Assert.Equal(Field(text, "flags-before"), Field(text, "flags-after"));
        Assert.Equal(0, Convert.ToInt32(Field(text, "flags-after"), 8) & 0x800);
        Assert.Equal(Field(text, "stty-before"), Field(text, "stty-after"));
    }

    internal static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>The rest of the line starting with <paramref name="label"/> and a space.</summary>
    internal static string Field(string text, string label)
    {
        var line = text.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(label + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{label}' line in:\n{StdioChild.Escape(text)}");
        return line[(label.Length + 1)..];
    }
}
