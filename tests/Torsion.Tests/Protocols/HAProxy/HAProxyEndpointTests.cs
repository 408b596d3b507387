using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Internet;
using static Torsion.Tests.Protocols.HAProxy.ProxyHeaders;

namespace Torsion.Tests.Protocols.HAProxy;

/// <summary>The <c>haproxy:</c> endpoint prefix on real sockets, on every backend.</summary>
public sealed class HAProxyEndpointTests
{
    /// <summary>Greets with the peer it sees, then echoes.</summary>
    private sealed class PeerEcho : Protocol
    {
        public override void ConnectionMade() => Transport.Write(Encoding.ASCII.GetBytes($"peer={Transport.GetPeer()} host={Transport.GetHost()}\n"));

        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ParsedEndpointReportsTheRealClient(string name)
    {
        var reactor = ReactorNames.Create(name);
        string? v1 = null, v2 = null, garbage = null;
        ReactorRunner.Run(reactor, () =>
        {
            var endpoint = Endpoints.ServerFromString(reactor, "haproxy:tcp:0:interface=127.0.0.1");
            endpoint.Listen(Factory.ForProtocol(() => new PeerEcho())).AddCallback(port =>
            {
                var at = (IPEndPoint)port.GetHost();
                reactor.CallInThread(() =>
                {
                    var a = Exchange(at, [.. V1("PROXY TCP4 203.0.113.9 198.51.100.1 40000 443\r\n"), .. "ping"u8]);
                    var b = Exchange(at, [.. V2(0x21, 0x21, Inet6Block()), .. "pong"u8]);
                    var c = Exchange(at, "GET / HTTP/1.1\r\n\r\n"u8.ToArray());
                    reactor.CallFromThread(() =>
                    {
                        (v1, v2, garbage) = (a, b, c);
                        reactor.Stop();
                    });
                });
            });
        });
        Assert.Equal("peer=203.0.113.9:40000 host=198.51.100.1:443\nping", v1);
        Assert.Equal("peer=[2001:db8::7]:1234 host=[2001:db8::1]:8443\npong", v2);
        Assert.Equal("", garbage);
    }

    private static byte[] Inet6Block()
    {
        var block = new List<byte>();
        block.AddRange(IPAddress.Parse("2001:db8::7").GetAddressBytes());
        block.AddRange(IPAddress.Parse("2001:db8::1").GetAddressBytes());
        block.AddRange([0x04, 0xD2, 0x20, 0xFB]);
        return [.. block];
    }

    // Sends, half-closes, and reads until the server closes (or, after the echo, until the expected bytes are in).
    private static string Exchange(IPEndPoint at, byte[] send)
    {
        try
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000 };
            client.Connect(at);
            client.Send(send);
            client.Shutdown(SocketShutdown.Send);
            var all = new List<byte>();
            var buffer = new byte[4096];
            int n;
            while ((n = client.Receive(buffer)) > 0)
            {
                all.AddRange(buffer.AsSpan(0, n));
            }
            return Encoding.ASCII.GetString([.. all]);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "";
        }
        catch (Exception e)
        {
            return "client failed: " + e.Message;
        }
    }

    [Fact]
    public void MalformedDescriptionsAreRefused()
    {
        var reactor = Reactors.Create();
        Assert.Throws<EndpointSyntaxException>(() => Endpoints.ServerFromString(reactor, "haproxy"));
        Assert.Throws<EndpointSyntaxException>(() => Endpoints.ServerFromString(reactor, "haproxy:"));
        Assert.Throws<EndpointSyntaxException>(() => Endpoints.ServerFromString(reactor, "haproxy:nosuch:80"));
        Assert.Throws<EndpointSyntaxException>(() => Endpoints.ServerFromString(reactor, "haproxy:tcp"));
        Assert.Contains("haproxy", Endpoints.ServerTypes);
        Assert.IsType<HAProxyServerEndpoint>(Endpoints.ServerFromString(reactor, "haproxy:tcp6:8080:interface=\\:\\:1"));
    }
}
