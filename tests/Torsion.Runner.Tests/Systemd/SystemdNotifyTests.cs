using System.Net.Sockets;
using System.Text;
using Torsion.Runner.Tests.EndToEnd;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>
/// torsiond and a fake systemd's NOTIFY_SOCKET: the watchdog pings come from the loop (so a loop
/// that is stuck stops them while the process lives on), and a drain tells systemd how it goes and
/// extends the stop timeout while it runs. The foreground run is the container's too: JSON lines on
/// standard output, no pid file, exit status 0 after SIGTERM.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class SystemdNotifyTests
{
    private static string BlockingScript(string dir)
    {
        var path = Path.Combine(dir, "blocker.csx");
        File.WriteAllText(path, """
            // Echoes on 127.0.0.1:$PORT, except "block", which holds the loop thread (60 s at most)
            // until the file $RELEASE exists: a stand-in for a callback that never returns; and
            // "which", which answers "first" on the first loop (the main thread's) and "other" elsewhere.
            static class Loops
            {
                public static int First;
            }
            class Blocker : Protocol
            {
                public override void DataReceived(ReadOnlySpan<byte> data)
                {
                    var text = System.Text.Encoding.ASCII.GetString(data).Trim();
                    if (text == "which")
                    {
                        Transport.Write(System.Text.Encoding.ASCII.GetBytes(System.Environment.CurrentManagedThreadId == Loops.First ? "first\n" : "other\n"));
                        return;
                    }
                    if (text != "block")
                    {
                        Transport.Write(data);
                        return;
                    }
                    Console.WriteLine("blocking the loop");
                    Console.Out.Flush();
                    var release = Environment.GetEnvironmentVariable("RELEASE")!;
                    var until = DateTime.UtcNow.AddSeconds(60);
                    while (!System.IO.File.Exists(release) && DateTime.UtcNow < until)
                    {
                        System.Threading.Thread.Sleep(10);
                    }
                    Transport.Write("released\n"u8);
                }
            }
            Loops.First = System.Environment.CurrentManagedThreadId;
            var application = new Application("blocker");
            new TcpServer(Reactor, int.Parse(Environment.GetEnvironmentVariable("PORT")!), Factory.ForProtocol<Blocker>(), interfaceAddress: "127.0.0.1").SetServiceParent(application);
            """);
        return path;
    }

    private static string ReadLine(NetworkStream stream)
    {
        var line = new List<byte>();
        for (int b; (b = stream.ReadByte()) >= 0 && b != '\n';)
        {
            line.Add((byte)b);
        }
        return Encoding.ASCII.GetString([.. line]);
    }

    [Fact]
    public void AStuckLoopStopsTheWatchdogPings() => BlockALoopAndWatchThePings(["-n"], "the loop", (port, clients) =>
    {
        var client = new TcpClient { ReceiveTimeout = 60_000 };
        clients.Add(client);
        client.Connect("127.0.0.1", port);
        return client.GetStream();
    });

    [Fact]
    public void AStuckLoopOtherThanTheFirstStopsTheWatchdogPingsToo() => BlockALoopAndWatchThePings(["-n", "--reactors", "2"], "the second loop", (port, clients) =>
    {
        // The kernel spreads connections over the two loops' listening sockets: find one on the second.
        for (var i = 0; i < 64; i++)
        {
            var client = new TcpClient { ReceiveTimeout = 60_000 };
            clients.Add(client);
            client.Connect("127.0.0.1", port);
            var stream = client.GetStream();
            stream.Write("which\n"u8);
            if (ReadLine(stream) == "other")
            {
                return stream;
            }
        }
        Assert.Fail("64 connections, none on the second loop");
        return null!;
    });

    /// <summary>
    /// torsiond with <paramref name="options"/> and the blocking script under a 0.4 s watchdog: blocks the
    /// loop of the connection <paramref name="connect"/> picks (given the port and a list to keep its clients
    /// in), checks that the pings stop while the process lives on, releases the loop, checks that they come
    /// back, and stops torsiond cleanly.
    /// </summary>
    private static void BlockALoopAndWatchThePings(string[] options, string loop, Func<int, List<TcpClient>, NetworkStream> connect)
    {
        using var notify = new NotifySocket();
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        var release = Path.Combine(dir, "release");
        using var server = Torsiond.Start(dir, new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(),
            ["RELEASE"] = release,
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = "400000", // pings every 0.2 s
        }, [.. options, "-y", BlockingScript(dir)]);
        notify.WaitFor("READY=1");
        FakeSystemd.Pings(notify, 3);

        var clients = new List<TcpClient>();
        try
        {
            var stream = connect(port, clients);
            stream.Write("block\n"u8);
            server.WaitForLine(l => l.Contains("blocking the loop", StringComparison.Ordinal));
            notify.Skip();
            // Ten intervals of a stuck loop: at most the pings already on their way before the loop
            // blocked (one, or two on a loaded machine), where a live loop sends ten. (systemd, with
            // WatchdogSec=0.4s, would have killed it by now.)
            var stuckSince = DateTime.UtcNow;
            var late = 0;
            while (notify.WaitFor(m => m.Text == "WATCHDOG=1", Math.Max(0, 2 - (DateTime.UtcNow - stuckSince).TotalSeconds)) is not null)
            {
                late++;
            }
            Assert.True(late <= 2, $"{late} pings while {loop} was stuck:\n{notify.Transcript}");
            Assert.True(Torsiond.IsAlive(server.Pid));

            File.WriteAllText(release, "");
            Assert.Equal("released", ReadLine(stream));
            FakeSystemd.Pings(notify, 2); // the loop is back, and so are the pings
        }
        finally
        {
            clients.ForEach(c => c.Close());
        }
        server.Signal("TERM");
        notify.WaitFor("STOPPING=1");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void SigtermDrainsWithinTheGracePeriodTellingSystemd()
    {
        using var notify = new NotifySocket();
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        using var server = Torsiond.Start(dir, new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(),
            ["NOTIFY_SOCKET"] = notify.Path,
        }, "-n", "--log-format", "json", "--shutdown-timeout", "30", "-y", Torsiond.EchoScript(dir));
        var ready = notify.WaitFor("READY=1");
        Assert.Equal($"serving on tcp:127.0.0.1:{port}", ready.Get("STATUS"));

        using var client = new TcpClient();
        client.ReceiveTimeout = 60_000;
        client.Connect("127.0.0.1", port);
        var stream = client.GetStream();
        stream.Write("before\n"u8);
        Assert.Equal("before", ReadLine(stream));

        server.Signal("TERM");
        notify.WaitFor("STOPPING=1");
        Assert.NotNull(notify.WaitFor(m => m.Get("STATUS") is { } s && s.StartsWith("Draining 1 connection(s), up to ", StringComparison.Ordinal), 60));
        // Sent again while the drain runs (every second): systemd's stop timeout keeps moving.
        notify.WaitFor("EXTEND_TIMEOUT_USEC=5000000");
        notify.WaitFor("EXTEND_TIMEOUT_USEC=5000000", 30);
        // The connection in flight is still served during the drain; the listening port is closed.
        stream.Write("during\n"u8);
        Assert.Equal("during", ReadLine(stream));
        using (var late = new TcpClient())
        {
            Assert.Throws<SocketException>(() => late.Connect("127.0.0.1", port));
        }
        client.Close();

        Assert.NotNull(notify.WaitFor(m => m.Text == "STATUS=Stopped", 60));
        Assert.Equal(0, server.WaitForExit());
        var texts = FakeSystemd.JsonTexts(server.Output);
        Assert.Contains(texts, t => t.StartsWith("Waiting up to 30 s for 1 connection(s)", StringComparison.Ordinal));
        Assert.Contains("Stopped", texts);
        Assert.Empty(Directory.GetFiles(dir, "*.pid")); // -n: no pid file unless asked for
    }

    [Fact]
    public void ExitStatusesASupervisorReads()
    {
        var dir = Torsiond.Scratch();
        // 2: a usage error, said on standard error.
        var (usage, usageOutput) = Torsiond.Run(dir, null, "-n", "--no-such-option", "-y", Torsiond.EchoScript(dir));
        Assert.Equal(2, usage);
        Assert.Contains("--no-such-option", usageOutput);
        // 1: the application could not start (its port is taken), and systemd is told why.
        using var notify = new NotifySocket();
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((System.Net.IPEndPoint)taken.LocalEndPoint!).Port;
        var (failed, failedOutput) = Torsiond.Run(dir, new Dictionary<string, string> { ["PORT"] = port.ToString(), ["NOTIFY_SOCKET"] = notify.Path },
            "-n", "--log-format=json", "-y", Torsiond.EchoScript(dir));
        Assert.Equal(1, failed);
        Assert.Contains("stderr: torsiond: ", failedOutput);
        Assert.NotNull(notify.WaitFor(m => m.Text.StartsWith("STATUS=Failed to start: ", StringComparison.Ordinal), 30));
        Assert.DoesNotContain(notify.All, m => m.Text.Contains("READY=1", StringComparison.Ordinal));
    }
}
