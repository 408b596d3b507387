using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.TestSupport;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// A Torsion site behind the PROXY protocol: a hand-written header, then Debian's haproxy with
/// <c>send-proxy</c> and <c>send-proxy-v2</c> in front, reached from 127.0.0.2 while haproxy itself
/// connects from 127.0.0.1: the site must report 127.0.0.2.
/// </summary>
public sealed class HAProxyTests
{
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.2");

    [Fact]
    public void HandWrittenHeaderSetsTheClientAddress()
    {
        using var site = new HAProxySite();
        using var c = new RawClient(site.Port);
        c.Send("PROXY TCP4 203.0.113.9 198.51.100.1 40000 443\r\nGET /whoami HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("client=203.0.113.9 host=198.51.100.1", c.ReadResponse().Text);
        // Later requests on the connection keep it; no second header is read.
        c.Send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("client=203.0.113.9 host=198.51.100.1", c.ReadResponse().Text);
    }

    [Fact]
    public void ADirectHttpRequestIsRefused()
    {
        using var site = new HAProxySite();
        using var c = new RawClient(site.Port);
        c.Send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.True(c.WaitClosed());
        Assert.Equal(1, site.Refused);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("http")]
    public void BehindHAProxyTheSiteSeesTheRealClient(string frontend)
    {
        using var site = new HAProxySite();
        using var haproxy = new HAProxyPeer(site.Port);
        var port = frontend switch { "v1" => haproxy.V1Port, "v2" => haproxy.V2Port, _ => haproxy.HttpPort };
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        socket.Bind(new IPEndPoint(Client, 0));
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        for (var i = 0; i < 3; i++)
        {
            socket.Send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n"u8);
            var text = ReadOneResponse(socket);
            Assert.StartsWith("HTTP/1.1 200", text, StringComparison.Ordinal);
            Assert.EndsWith("client=127.0.0.2 host=127.0.0.1", text, StringComparison.Ordinal);
        }
        Assert.Equal(0, site.Refused);
    }

    [Fact]
    public void CurlThroughHAProxy()
    {
        var curl = Peers.RequireProgram("curl", "curl");
        using var site = new HAProxySite();
        using var haproxy = new HAProxyPeer(site.Port);
        foreach (var port in new[] { haproxy.V1Port, haproxy.V2Port, haproxy.HttpPort })
        {
            var (code, stdout, stderr) = ProcessRunner.Run(curl, ["-sS", "--max-time", "60", "--interface", "127.0.0.2", $"http://127.0.0.1:{port}/whoami"]);
            Assert.True(code == 0, stderr);
            Assert.Equal("client=127.0.0.2 host=127.0.0.1", stdout);
        }
    }

    // One response with a Content-Length body, read with the socket's timeout.
    private static string ReadOneResponse(Socket socket)
    {
        var all = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. all]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var lengthLine = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                Assert.NotNull(lengthLine);
                var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (all.Count >= end + 4 + length)
                {
                    return text[..(end + 4 + length)];
                }
            }
            var n = socket.Receive(buffer);
            Assert.True(n > 0, "the connection closed before the response was complete: " + text);
            all.AddRange(buffer.AsSpan(0, n));
        }
    }
}
