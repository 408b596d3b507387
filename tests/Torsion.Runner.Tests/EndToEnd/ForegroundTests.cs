namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>torsiond -n: in the foreground, logging to standard output, stopped by signals, on every reactor.</summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class ForegroundTests
{
    public static TheoryData<string> Reactors() => new(Torsion.Internet.Reactors.Available.Where(r => r.IsSupported).Select(r => r.Name));

    [Theory, MemberData(nameof(Reactors))]
    public void EveryReactorCanBeChosen(string reactor)
    {
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        using var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() }, "-n", "--pidfile=torsiond.pid", "-r", reactor, "-y", Torsiond.EchoScript(dir));
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Contains($"on the {reactor} reactor", server.Output);
        Assert.Equal($"via {reactor}", Torsiond.Echo(port, $"via {reactor}"));
        // -n writes a pid file when asked (twistd's default, spelled out), and SIGTERM stops cleanly and removes it.
        var pidFile = Path.Combine(dir, "torsiond.pid");
        Assert.Equal(server.Pid, Torsiond.ReadPid(pidFile));
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
        Assert.Contains("Received SIGTERM", server.Output);
        Assert.False(File.Exists(pidFile));
    }

    [Fact]
    public void SigintStopsToo()
    {
        var dir = Torsiond.Scratch();
        using var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() }, "-n", "--pidfile", "", "-y", Torsiond.EchoScript(dir));
        server.WaitForLine(l => l.Contains("Started"));
        server.Signal("INT");
        Assert.Equal(0, server.WaitForExit());
        Assert.Contains("Received SIGINT", server.Output);
    }

    [Fact]
    public void JsonLogFormat()
    {
        var dir = Torsiond.Scratch();
        using var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() }, "-n", "--log-format", "json", "--pidfile", "", "-y", Torsiond.EchoScript(dir));
        var line = server.WaitForLine(l => l.Contains("Started"));
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void ADroppedUserCanStillServeAPrivilegedPort()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("needs root: switching users and binding a port below 1024 are root's privileges");
        }
        var port = Enumerable.Range(900, 100).First(p =>
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, p);
                probe.Start();
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        });
        var dir = Torsiond.Scratch();
        // nobody must be able to read the script and the runtime's files; /tmp scratch dirs are 0700.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var script = Torsiond.EchoScript(dir);
        using var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() }, "-n", "-u", "nobody", "--pidfile", "", "-y", script);
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Equal("low", Torsiond.Echo(port, "low"));
        var uids = File.ReadAllLines($"/proc/{server.Pid}/status").Single(l => l.StartsWith("Uid:"));
        Assert.Equal(["65534", "65534", "65534", "65534"], uids.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void TellsSystemdWhenReadyAndWhenStopping()
    {
        var dir = Torsiond.Scratch();
        var path = Path.Combine(dir, "notify.sock");
        using var notify = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        notify.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        notify.ReceiveTimeout = 60_000;
        var env = new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString(), ["NOTIFY_SOCKET"] = path };
        using var server = Torsiond.Start(dir, env, "-n", "--pidfile", "", "-y", Torsiond.EchoScript(dir));
        var buffer = new byte[256];
        var ready = System.Text.Encoding.UTF8.GetString(buffer, 0, notify.Receive(buffer));
        Assert.Contains("READY=1", ready);
        Assert.Contains($"MAINPID={server.Pid}", ready);
        server.Signal("TERM");
        Assert.Contains("STOPPING=1", System.Text.Encoding.UTF8.GetString(buffer, 0, notify.Receive(buffer)).Split('\n'));
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void SeveralLoopsListenOnOnePortEach()
    {
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        using var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() }, "-n", "--pidfile", "", "--reactors", "3", "-y", Torsiond.EchoScript(dir));
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Contains("(3 loops)", server.Output);
        // One SO_REUSEPORT listener per loop: three LISTEN entries (state 0A) for the port.
        var hexPort = $":{port:X4} ";
        var listeners = File.ReadAllLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => (f[1] + " ").EndsWith(hexPort, StringComparison.Ordinal) && f[3] == "0A");
        Assert.Equal(3, listeners);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"n{i}", Torsiond.Echo(port, $"n{i}"));
        }
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }
}
