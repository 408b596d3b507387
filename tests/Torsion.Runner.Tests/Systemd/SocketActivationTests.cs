using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Runner.Tests.EndToEnd;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>
/// torsiond under Debian's systemd-socket-activate: a "systemd:" endpoint by index (with or without
/// domain=) on every reactor, the variables consumed so the application's children do not inherit
/// them, and clear refusals for a name that was not passed and for a socket of the wrong type.
/// (Names in a unit are in <see cref="UnitFileTests"/>; LISTEN_PID naming another process in
/// Torsion.Tests' SystemdEndpointTests.)
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class SocketActivationTests
{
    private static string ActivatedScript(string dir)
    {
        var path = Path.Combine(dir, "activated.csx");
        File.WriteAllText(path, """
            // Echoes on the server $ENDPOINT describes; "env" answers with what a child process of
            // this one sees of the variables systemd set for torsiond.
            class EnvEcho : Protocol
            {
                public override void DataReceived(ReadOnlySpan<byte> data)
                {
                    if (System.Text.Encoding.ASCII.GetString(data).Trim() != "env")
                    {
                        Transport.Write(data);
                        return;
                    }
                    var info = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true };
                    info.ArgumentList.Add("-c");
                    info.ArgumentList.Add("echo LISTEN_FDS=${LISTEN_FDS-unset} LISTEN_PID=${LISTEN_PID-unset} LISTEN_FDNAMES=${LISTEN_FDNAMES-unset} NOTIFY_SOCKET=${NOTIFY_SOCKET-unset} WATCHDOG_USEC=${WATCHDOG_USEC-unset}");
                    using var child = System.Diagnostics.Process.Start(info)!;
                    var seen = child.StandardOutput.ReadToEnd();
                    child.WaitForExit();
                    Transport.Write(System.Text.Encoding.ASCII.GetBytes(seen));
                }
            }
            var application = new Application("activated");
            new StreamServerEndpointService(Endpoints.ServerFromString(Reactor, Environment.GetEnvironmentVariable("ENDPOINT")!), Factory.ForProtocol<EnvEcho>()).SetServiceParent(application);
            """);
        return path;
    }

    public static TheoryData<string, string> ReactorsAndDescriptions()
    {
        var data = new TheoryData<string, string>();
        var i = 0;
        foreach (var r in Torsion.Internet.Reactors.Available.Where(r => r.IsSupported))
        {
            // Twisted's spelling, and the shorter one that takes the family from the socket.
            data.Add(r.Name, i++ % 2 == 0 ? "systemd:domain=INET:index=0" : "systemd:index=0");
        }
        return data;
    }

    private static string Exchange(Socket socket, string text)
    {
        socket.Send(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[4096];
        var received = new StringBuilder();
        while (!received.ToString().EndsWith('\n'))
        {
            var n = socket.Receive(buffer);
            if (n == 0)
            {
                break;
            }
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return received.ToString().TrimEnd('\n');
    }

    [Theory, MemberData(nameof(ReactorsAndDescriptions))]
    public void ServesOnThePassedSocketAndKeepsItsVariablesFromChildren(string reactor, string description)
    {
        using var notify = new NotifySocket();
        var dir = Torsiond.Scratch();
        using var activated = SocketActivated.Start(dir, "web", new Dictionary<string, string>
        {
            ["ENDPOINT"] = description,
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = "30000000",
        }, ["-n", "-r", reactor, "-y", ActivatedScript(dir)]);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 120_000 };
        client.Connect(IPAddress.Loopback, activated.Port);
        Assert.Equal("activated", Exchange(client, "activated\n"));
        var ready = notify.WaitFor("READY=1");
        Assert.Equal($"serving on tcp:127.0.0.1:{activated.Port}", ready.Get("STATUS"));
        Assert.Contains($"on the {reactor} reactor", activated.Process.Output);
        // Consumed, as sd_listen_fds(unset=1) and sd_watchdog_enabled(unset=1) do.
        Assert.Equal("LISTEN_FDS=unset LISTEN_PID=unset LISTEN_FDNAMES=unset NOTIFY_SOCKET=unset WATCHDOG_USEC=unset", Exchange(client, "env\n"));
        client.Close();
        Torsiond.Kill(FakeSystemd.MainPid(ready), "TERM");
        Assert.Equal(0, activated.Process.WaitForExit());
    }

    [Fact]
    public void ANameThatWasNotPassedIsRefusedNamingThoseThatWere()
    {
        using var notify = new NotifySocket();
        var dir = Torsiond.Scratch();
        using var activated = SocketActivated.Start(dir, "web", new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path },
            ["-n", "web", "--listen", "systemd:name=admin"]);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.Connect(IPAddress.Loopback, activated.Port); // starts torsiond
        }
        // A plugin's --listen that names no usable socket is an option error: status 2, as for any bad description.
        Assert.Equal(2, activated.Process.WaitForExit());
        var error = activated.Process.WaitForLine(l => l.StartsWith("stderr: torsiond: ", StringComparison.Ordinal), 10);
        Assert.Contains("no socket named 'admin' (LISTEN_FDNAMES: web)", error);
        Assert.NotNull(notify.WaitFor(m => m.Text.StartsWith("STATUS=Failed to start: ", StringComparison.Ordinal), 10));
    }

    [Fact]
    public void ADatagramSocketIsRefusedSayingWhatItIs()
    {
        var dir = Torsiond.Scratch();
        using var activated = SocketActivated.Start(dir, "web", new Dictionary<string, string>(),
            ["-n", "web", "--listen", "systemd:name=web"], datagram: true);
        using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            sender.SendTo("start"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, activated.Port)); // starts torsiond
        }
        // A plugin's --listen that names no usable socket is an option error: status 2, as for any bad description.
        Assert.Equal(2, activated.Process.WaitForExit());
        var error = activated.Process.WaitForLine(l => l.StartsWith("stderr: torsiond: ", StringComparison.Ordinal), 10);
        Assert.Contains("systemd socket 'web' (descriptor 3) is a datagram socket", error);
        Assert.Contains("ListenStream=", error);
    }
}
