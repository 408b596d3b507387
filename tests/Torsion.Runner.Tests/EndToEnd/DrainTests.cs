using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// The graceful drain through the real torsiond, on every backend (<c>-r NAME</c>): SIGTERM with a
/// connection open closes the listening port at once, lets the open connection go on working until
/// it closes or <c>--shutdown-timeout</c> passes, and then exits 0.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class DrainTests
{
    public static TheoryData<string> Backends() => new(Torsion.Internet.Reactors.Available.Where(r => r.IsSupported).Select(r => r.Name));

    private static (Torsion.Tests.Support.ChildProcess Server, TcpClient Client, int Port) StartWithClient(string backend, string timeout)
    {
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() },
            "-n", "--pidfile=", $"-r{backend}", $"--shutdown-timeout={timeout}", "-y", Torsiond.EchoScript(dir));
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Contains($"on the {backend} reactor", server.Output);
        var client = new TcpClient { ReceiveTimeout = 30_000 };
        client.Connect(IPAddress.Loopback, port);
        // Accepted and served: the server counts it as open from here on.
        Assert.Equal("before", Exchange(client, "before"));
        return (server, client, port);
    }

    private static string Exchange(TcpClient client, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        client.GetStream().Write(bytes);
        var got = new byte[bytes.Length];
        client.GetStream().ReadExactly(got);
        return Encoding.UTF8.GetString(got);
    }

    [Theory, MemberData(nameof(Backends))]
    public void AnOpenConnectionIsServedUntilItCloses(string backend)
    {
        var (server, client, port) = StartWithClient(backend, "60");
        using (server)
        {
            server.Signal("TERM");
            server.WaitForLine(l => l.Contains("Waiting up to 60 s for 1 connection(s)"));
            // The port closed before the wait began: a new client is refused...
            var refused = Assert.Throws<SocketException>(() =>
            {
                using var late = new TcpClient();
                late.Connect(IPAddress.Loopback, port);
            });
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            // ...while the one in flight is still served.
            Assert.Equal("during", Exchange(client, "during"));
            Assert.False(server.HasExited);
            client.Dispose();
            Assert.Equal(0, server.WaitForExit());
            Assert.DoesNotContain("Dropping", server.Output);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public void AConnectionStillOpenAtTheTimeoutIsDropped(string backend)
    {
        var (server, client, _) = StartWithClient(backend, "0.5");
        using (server)
        using (client)
        {
            server.Signal("TERM");
            Assert.Equal(0, server.WaitForExit());
            Assert.Contains("Dropping 1 connection(s) still open after 0.5 s", server.Output);
            // The client sees its connection end: end of stream, or a reset.
            try
            {
                Assert.Equal(0, client.GetStream().Read(new byte[16]));
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
            }
        }
    }
}
