using System.Net.Sockets;
using System.Text;
using Torsion.Tests.Support;

namespace Torsion.Tests.Examples;

/// <summary>The README's first command: the echo server example as a real process, talked to over TCP.</summary>
public sealed class EchoServerExampleTests
{
    [Theory, MemberData(nameof(Internet.ReactorNames.All), MemberType = typeof(Internet.ReactorNames))]
    public void EchoServerExampleEchoesAndStopsOnSigterm(string reactor)
    {
        Internet.ReactorNames.Create(reactor);
        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var server = ChildProcess.StartDotnet("EchoServer", port.ToString(), "--reactor", reactor);
        server.WaitForLine(l => l.Contains($"127.0.0.1:{port}"));
        using (var client = new TcpClient())
        {
            client.Connect("127.0.0.1", port);
            var stream = client.GetStream();
            stream.Write("hello from the README\n"u8);
            client.Client.Shutdown(SocketShutdown.Send);
            client.ReceiveTimeout = 60_000;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            Assert.Equal("hello from the README\n", reader.ReadToEnd());
        }
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }
}
