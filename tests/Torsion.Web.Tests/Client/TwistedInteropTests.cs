using System.Security.Cryptography;
using System.Text;
using Torsion.Defer;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>The agent against Python Twisted's web server: bodies, chunking, keep-alive, redirects, gzip, uploads, errors.</summary>
public sealed class TwistedInteropTests
{
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Fact]
    public void GetsAPageWithItsHeaders()
    {
        using var twisted = new TwistedWebPeer();
        var (response, body) = Run(r => new Agent(r).Request("GET", twisted.Url("/hello")).AddCallback(resp => WebClient.ReadBody(resp).AddCallback(b => (resp, b))));
        Assert.Equal(200, response.Code);
        Assert.Equal("text/plain", response.Headers.Get("Content-Type"));
        Assert.Equal(18, response.Length);
        Assert.Equal("hello from twisted", Text(body));
    }

    [Fact]
    public void ChunkedResponseAndKeepAliveReuse()
    {
        using var twisted = new TwistedWebPeer();
        var (chunked, count) = Run(r =>
        {
            var agent = new Agent(r);
            return agent.Request("GET", twisted.Url("/chunked")).AddCallback(WebClient.ReadBody).AddCallback(c =>
                agent.Request("GET", twisted.Url("/hello")).AddCallback(WebClient.ReadBody).AddCallback(_ =>
                    agent.Request("GET", twisted.Url("/connections")).AddCallback(WebClient.ReadBody).AddCallback(n => (c, n))));
        });
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"piece {i};")), Text(chunked));
        // Three requests, one connection.
        Assert.Equal("1", Text(count));
    }

    [Fact]
    public void GetPageFollowsTwistedsRedirectAndFailsOnItsNotFound()
    {
        using var twisted = new TwistedWebPeer();
        Assert.Equal("hello from twisted", Text(Run(r => WebClient.GetPage(r, twisted.Url("/redirect")))));
        var error = Assert.IsType<HttpErrorException>(Failure(r => WebClient.GetPage(r, twisted.Url("/missing"))));
        Assert.Equal(404, error.Status);
        Assert.Contains("No Such Resource", Encoding.UTF8.GetString([.. error.Body]), StringComparison.Ordinal);
    }

    [Fact]
    public void GzipFromTwistedIsDecoded()
    {
        using var twisted = new TwistedWebPeer();
        var (response, body) = Run(r => new Agent(r).Request("GET", twisted.Url("/gzip")).AddCallback(resp => WebClient.ReadBody(resp).AddCallback(b => (resp, b))));
        Assert.Equal(16 * 65536, body.Length);
        Assert.Equal(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 65536))), body);
        Assert.Null(response.Headers.Get("Content-Encoding"));
    }

    [Fact]
    public void UploadsWithLengthAndChunkedAreReceivedWhole()
    {
        using var twisted = new TwistedWebPeer();
        var data = RandomNumberGenerator.GetBytes(300_000);
        var hash = Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();
        var (sized, chunked) = Run(r =>
        {
            var agent = new Agent(r);
            return agent.Request("POST", twisted.Url("/echo"), null, new BytesBodyProducer(data)).AddCallback(WebClient.ReadBody).AddCallback(a =>
                agent.Request("POST", twisted.Url("/echo"), null, new StreamBodyProducer(r, new OneWayStream(data))).AddCallback(WebClient.ReadBody)
                    .AddCallback(b => (Text(a), Text(b))));
        });
        Assert.Equal($"300000 300000 {hash}", sized);
        Assert.Equal($"300000 chunked {hash}", chunked);
    }

    [Fact]
    public void ManyConcurrentRequestsShareThePerHostLimit()
    {
        using var twisted = new TwistedWebPeer();
        var bodies = Run(r =>
        {
            var agent = new Agent(r, new AgentOptions { Pool = new HttpConnectionPool(r) { MaxConnectionsPerHost = 3 } });
            return Deferred.GatherResults(Enumerable.Range(0, 30).Select(_ => agent.Request("GET", twisted.Url("/hello")).AddCallback(WebClient.ReadBody)))
                .AddCallback(all => agent.Request("GET", twisted.Url("/connections")).AddCallback(WebClient.ReadBody).AddCallback(n => (all, n)));
        });
        Assert.All(bodies.all, b => Assert.Equal("hello from twisted", Text(b)));
        Assert.Equal("3", Text(bodies.n));
    }
}
