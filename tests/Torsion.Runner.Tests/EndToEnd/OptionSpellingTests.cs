namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// The command lines of real unit files and Dockerfiles, run through the real torsiond: twistd's
/// <c>--opt=value</c> spellings, the empty <c>--pidfile=</c> among them.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class OptionSpellingTests
{
    private static Dictionary<string, string> Port(out int port)
    {
        port = Torsiond.FreePort();
        return new Dictionary<string, string> { ["PORT"] = port.ToString() };
    }

    /// <summary>Serves, logs "Started" to standard output (not standard error), writes no pid file, stops on SIGTERM.</summary>
    private static void ServesWithoutPidFile(string dir, Torsion.Tests.Support.ChildProcess server, int port)
    {
        var started = server.WaitForLine(l => l.Contains("Started"));
        Assert.DoesNotContain("stderr:", started);
        Assert.Equal("spelled", Torsiond.Echo(port, "spelled"));
        Assert.Empty(Directory.GetFiles(dir, "*.pid"));
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
        Assert.Empty(Directory.GetFiles(dir, "*.pid"));
    }

    [Fact]
    public void ShortFormsWithAnEmptyPidFile()
    {
        // torsiond -n --pidfile= --logfile=- -y app.csx
        var dir = Torsiond.Scratch();
        Torsiond.EchoScript(dir);
        using var server = Torsiond.Start(dir, Port(out var port), "-n", "--pidfile=", "--logfile=-", "-y", "echo.csx");
        ServesWithoutPidFile(dir, server, port);
    }

    [Fact]
    public void SystemdExecStart()
    {
        // ExecStart=/usr/bin/torsiond --nodaemon --pidfile= --logfile=- -y /srv/app.csx
        var dir = Torsiond.Scratch();
        var script = Torsiond.EchoScript(Torsiond.Scratch());
        using var server = Torsiond.Start(dir, Port(out var port), "--nodaemon", "--pidfile=", "--logfile=-", "-y", script);
        ServesWithoutPidFile(dir, server, port);
    }

    [Fact]
    public void DockerfileCmd()
    {
        // CMD ["torsiond", "-n", "--pidfile=", "-y", "app.csx"]
        var dir = Torsiond.Scratch();
        Torsiond.EchoScript(dir);
        using var server = Torsiond.Start(dir, Port(out var port), "-n", "--pidfile=", "-y", "echo.csx");
        ServesWithoutPidFile(dir, server, port);
    }

    [Fact]
    public void ReactorUmaskAndRundirWithEquals()
    {
        var dir = Torsiond.Scratch();
        var runDir = Torsiond.Scratch();
        Torsiond.EchoScript(dir);
        using var server = Torsiond.Start(dir, Port(out var port), "-n", "--pidfile=", "--reactor=poll", "--umask=022", $"--rundir={runDir}", "--shutdown-timeout=5", "-y", "echo.csx");
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Contains("on the poll reactor", server.Output);
        Assert.Equal("r", Torsiond.Echo(port, "r"));
        var status = File.ReadAllLines($"/proc/{server.Pid}/status");
        Assert.Equal("0022", status.Single(l => l.StartsWith("Umask:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal(runDir, new DirectoryInfo($"/proc/{server.Pid}/cwd").ResolveLinkTarget(returnFinalTarget: false)!.FullName);
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void PidFileWithEqualsIsWrittenAndRemoved()
    {
        var dir = Torsiond.Scratch();
        Torsiond.EchoScript(dir);
        using var server = Torsiond.Start(dir, Port(out _), "-n", "--pidfile=app.pid", "-y", "echo.csx");
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Equal(server.Pid, Torsiond.ReadPid(Path.Combine(dir, "app.pid")));
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
        Assert.False(File.Exists(Path.Combine(dir, "app.pid")));
    }

    [Fact]
    public void ADaemonWithoutPidFileAndWithEqualsSpellings()
    {
        var dir = Torsiond.Scratch();
        Torsiond.EchoScript(dir);
        var (status, output) = Torsiond.Run(dir, Port(out var port), "--pidfile=", "--logfile=app.log", "--umask=027", "-y", "echo.csx");
        Assert.True(status == 0, output);
        Assert.Equal("daemon", Torsiond.Echo(port, "daemon"));
        Assert.Empty(Directory.GetFiles(dir, "*.pid"));
        var log = Torsiond.WaitForFileText(Path.Combine(dir, "app.log"), "Started");
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(log, @"serving as pid (\d+)").Groups[1].Value);
        try
        {
            Assert.Equal("0027", File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Umask:", StringComparison.Ordinal)).Split('\t')[1]);
        }
        finally
        {
            Torsiond.Kill(pid, "TERM");
            Assert.True(Torsiond.WaitGone(pid));
        }
        Assert.False(File.Exists(Path.Combine(dir, "torsiond.log")));
    }

    [Theory]
    [InlineData("--umask=9", "--umask")]
    [InlineData("--nodaemon=yes", "--nodaemon")]
    [InlineData("--rundir=", "--rundir")]
    [InlineData("--reactor=", "--reactor")]
    [InlineData("--p=x", "ambiguous")]
    [InlineData("--pidfile", "--pidfile")]
    public void BadFormsExitTwoNamingTheOption(string option, string expected)
    {
        var dir = Torsiond.Scratch();
        Torsiond.EchoScript(dir);
        // The option last, so "--pidfile" alone has no value to take.
        var (status, output) = Torsiond.Run(dir, null, "-n", "-y", "echo.csx", option);
        Assert.Equal(2, status);
        Assert.Contains(expected, output);
        Assert.Contains("torsiond --help", output);
    }
}
