using System.Security.Cryptography;
using System.Text;
using Torsion.Web.Tests.Client;

namespace Torsion.Web.Tests.Proxy;

/// <summary>The reverse proxy in front of Python Twisted's web server (Debian's python3-twisted).</summary>
public sealed class TwistedUpstreamTests
{
    [Fact]
    public void GetsPlainChunkedAndLargeResponses()
    {
        using var twisted = new TwistedWebPeer();
        using var proxy = new ProxyPair(twisted.Port, upstreamPath: "");
        using var c = proxy.Connect();
        c.Send("GET /p/hello HTTP/1.1\r\nHost: x\r\n\r\n");
        var hello = c.ReadResponse();
        Assert.Equal(200, hello.Status);
        Assert.Equal("hello from twisted", hello.Text);
        Assert.Equal("text/plain", hello.Header("Content-Type"));

        c.Send("GET /p/chunked HTTP/1.1\r\nHost: x\r\n\r\n");
        var chunked = c.ReadResponse();
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"piece {i};")), chunked.Text);

        c.Send("GET /p/big HTTP/1.1\r\nHost: x\r\n\r\n");
        var big = c.ReadResponse();
        Assert.Equal(16 * 65536, big.Body.Length);
        Assert.Equal(string.Concat(Enumerable.Repeat("0123456789abcdef", 65536)), Encoding.ASCII.GetString(big.Body));

        c.Send("GET /p/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(404, c.ReadResponse().Status);
    }

    [Fact]
    public void PostsLengthAndChunkedBodies()
    {
        using var twisted = new TwistedWebPeer();
        using var proxy = new ProxyPair(twisted.Port, upstreamPath: "", site: o => o.Limits.MaxBodySize = 64 << 20);
        using var c = proxy.Connect();
        var data = new byte[3 << 20];
        new Random(3).NextBytes(data);
        var sha = Convert.ToHexStringLower(SHA256.HashData(data));

        c.Send($"POST /p/echo HTTP/1.1\r\nHost: x\r\nContent-Length: {data.Length}\r\n\r\n");
        c.Send(data);
        Assert.Equal($"{data.Length} {data.Length} {sha}", c.ReadResponse().Text);

        c.Send("POST /p/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var off = 0; off < data.Length; off += 250_000)
        {
            var n = Math.Min(250_000, data.Length - off);
            c.Send(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            c.Send(data[off..(off + n)]);
            c.Send("\r\n");
        }
        c.Send("0\r\n\r\n");
        Assert.Equal($"{data.Length} chunked {sha}", c.ReadResponse().Text);
    }
}
