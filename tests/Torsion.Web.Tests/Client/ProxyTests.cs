using System.Net.Sockets;
using System.Text;
using Torsion.Internet;
using Torsion.TestSupport;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>An HTTP proxy: plain requests in absolute form, HTTPS through a CONNECT tunnel with TLS end to end.</summary>
public sealed class ProxyTests
{
    // A small forward proxy: it answers plain requests itself (saying what it was asked) and, for CONNECT,
    // opens a TCP connection to the target and copies bytes both ways.
    private static RawServer Proxy(int refuseWith = 0) => new(async (c, _) =>
    {
        var request = await c.ReadRequestAsync();
        if (request is null)
        {
            return;
        }
        if (request.Method != "CONNECT")
        {
            await c.WriteAsync(RawServer.Ok($"proxied {request.Line} host={request.Field("host")}"));
            return;
        }
        if (refuseWith != 0)
        {
            await c.WriteAsync($"HTTP/1.1 {refuseWith} No\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        var target = request.Target;
        var colon = target.LastIndexOf(':');
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(target[..colon] == "localhost" ? "127.0.0.1" : target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        await c.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n");
        var up = upstream.GetStream();
        var toUpstream = c.Stream.CopyToAsync(up);
        var toClient = up.CopyToAsync(c.Stream);
        await Task.WhenAny(toUpstream, toClient);
    });

    [Fact]
    public void PlainRequestGoesToTheProxyInAbsoluteForm()
    {
        using var proxy = Proxy();
        var options = new AgentOptions { Proxy = new Uri(proxy.Url()) };
        // The origin's name is never looked up: only the proxy is connected to.
        var body = Encoding.UTF8.GetString(Run(r => new Agent(r, options).Request("GET", "http://origin.example.test:8080/a/b?c=d").AddCallback(WebClient.ReadBody)));
        Assert.Equal("proxied GET http://origin.example.test:8080/a/b?c=d HTTP/1.1 host=origin.example.test:8080", body);
    }

    [Fact]
    public void HttpsGoesThroughAConnectTunnelWithTlsVerifiedEndToEnd()
    {
        using var origin = HttpsTests.TlsServer(TestCertificates.Instance.Server);
        using var proxy = Proxy();
        var options = new AgentOptions { Proxy = new Uri(proxy.Url()), TrustRoots = [TestCertificates.Instance.Ca] };
        var body = Encoding.UTF8.GetString(Run(r => new Agent(r, options).Request("GET", $"https://localhost:{origin.Port}/tunnelled").AddCallback(WebClient.ReadBody)));
        Assert.Equal($"secure /tunnelled host=localhost:{origin.Port}", body);
        Assert.Equal($"CONNECT localhost:{origin.Port} HTTP/1.1", Assert.Single(proxy.RequestsSoFar()).Line);
    }

    [Fact]
    public void TunnelledTlsIsStillVerified()
    {
        // The TLS layer logs the failed handshake; the test is that the request fails with it.
        LoggedErrors.Expect<TlsHandshakeException>();
        using var origin = HttpsTests.TlsServer(TestCertificates.Instance.SelfSigned);
        using var proxy = Proxy();
        var options = new AgentOptions { Proxy = new Uri(proxy.Url()), TrustRoots = [TestCertificates.Instance.Ca] };
        var error = Failure(r => new Agent(r, options).Request("GET", $"https://localhost:{origin.Port}/"));
        Assert.IsType<TlsHandshakeException>(error);
    }

    [Fact]
    public void RefusedTunnelFailsWithTheProxysStatus()
    {
        using var proxy = Proxy(refuseWith: 407);
        var options = new AgentOptions { Proxy = new Uri(proxy.Url()) };
        var error = Failure(r => new Agent(r, options).Request("GET", "https://origin.example.test/"));
        Assert.Equal("The proxy refused the tunnel: 407 No.", Assert.IsType<ResponseFailedException>(error).Message);
    }
}
