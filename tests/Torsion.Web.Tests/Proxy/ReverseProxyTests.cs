using Torsion.Web.Server;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>The reverse proxy in front of a Torsion site: paths, queries, methods, header rewriting.</summary>
public sealed class ReverseProxyTests
{
    private static (SiteServer Upstream, UpstreamEcho Echo) StartUpstream()
    {
        var echo = new UpstreamEcho();
        var root = new Resource();
        root.PutChild("up", echo);
        return (new SiteServer(root, o => o.Limits.MaxBodySize = 1L << 30), echo);
    }

    [Fact]
    public void PathPrefixRestAndQueryAreJoined()
    {
        var (upstream, _) = StartUpstream();
        using var _u = upstream;
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        foreach (var (sent, expected) in new[]
        {
            ("/p/a/b?x=1&y=%20z", "/up/a/b?x=1&y=%20z"),
            ("/p", "/up"),
            ("/p/", "/up/"),
            ("/p/caf%C3%A9/x%2Fy?q", "/up/caf%C3%A9/x%2Fy?q"),
        })
        {
            c.Send($"GET {sent} HTTP/1.1\r\nHost: front.example\r\n\r\n");
            var response = c.ReadResponse();
            Assert.Equal(200, response.Status);
            Assert.Equal(expected, UpstreamEcho.Field(response.Text, "uri"));
        }
    }

    [Fact]
    public void EveryMethodIsForwardedWithItsBody()
    {
        var (upstream, _) = StartUpstream();
        using var _u = upstream;
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        foreach (var method in new[] { "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND" })
        {
            var body = method is "GET" or "DELETE" ? "" : $"body of {method}";
            c.Send($"{method} /p/m HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n{body}");
            var response = c.ReadResponse();
            Assert.Equal(200, response.Status);
            Assert.Equal(method, UpstreamEcho.Field(response.Text, "method"));
            Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), UpstreamEcho.Field(response.Text, "length"));
        }
        c.Send("HEAD /p/h HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = c.ReadResponse(head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("HEAD", head.Header("X-Seen-Method"));
        // The connection is still in step: the next response is read whole.
        c.Send("GET /p/after HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("/up/after", UpstreamEcho.Field(c.ReadResponse().Text, "uri"));
    }

    [Fact]
    public void HopByHopFieldsAreDroppedAndForwardingFieldsAdded()
    {
        var (upstream, _) = StartUpstream();
        using var _u = upstream;
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("GET /p/h HTTP/1.1\r\nHost: front.example:8080\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
            + "TE: trailers\r\nTrailer: X-T\r\nUpgrade: h2c\r\nProxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\n"
            + "X-Forwarded-For: 10.1.2.3\r\nX-Forwarded-Proto: https\r\nX-End: kept\r\nAccept: */*\r\n\r\n");
        var echo = c.ReadResponse().Text;
        foreach (var gone in new[] { "connection", "x-hop", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection" })
        {
            Assert.Empty(UpstreamEcho.HeaderValues(echo, gone));
        }
        Assert.Equal(["kept"], UpstreamEcho.HeaderValues(echo, "x-end"));
        Assert.Equal(["*/*"], UpstreamEcho.HeaderValues(echo, "accept"));
        Assert.Equal([$"127.0.0.1:{upstream.Port}"], UpstreamEcho.HeaderValues(echo, "host"));
        Assert.Equal(["10.1.2.3, 127.0.0.1"], UpstreamEcho.HeaderValues(echo, "x-forwarded-for"));
        // The proxy says what it saw, not what the client claimed.
        Assert.Equal(["http"], UpstreamEcho.HeaderValues(echo, "x-forwarded-proto"));
        Assert.Equal(["front.example:8080"], UpstreamEcho.HeaderValues(echo, "x-forwarded-host"));
        Assert.Empty(UpstreamEcho.HeaderValues(echo, "forwarded"));
    }

    [Fact]
    public void HostCanBeKeptAndForwardedAdded()
    {
        var (upstream, _) = StartUpstream();
        using var _u = upstream;
        using var proxy = new ProxyPair(upstream.Port, configure: o =>
        {
            o.PreserveHost = true;
            o.AddForwardedHeader = true;
        });
        using var c = proxy.Connect();
        c.Send("GET /p/h HTTP/1.1\r\nHost: front.example\r\n\r\n");
        var echo = c.ReadResponse().Text;
        Assert.Equal(["front.example"], UpstreamEcho.HeaderValues(echo, "host"));
        Assert.Equal(["for=127.0.0.1;proto=http;host=\"front.example\""], UpstreamEcho.HeaderValues(echo, "forwarded"));
    }

    [Fact]
    public void ResponseStatusAndEndToEndHeadersComeBackWithoutHopByHopOnes()
    {
        var root = new Resource();
        root.PutChild("up", new LambdaResource(get: r =>
        {
            r.SetResponseCode(201, "Made It");
            r.SetHeader("X-End", "yes");
            r.SetHeader("Connection", "X-Resp-Hop");
            r.SetHeader("X-Resp-Hop", "1");
            r.SetHeader("Keep-Alive", "timeout=1");
            r.SetHeader("Proxy-Authenticate", "Basic");
            r.SetHeader("Server", "upstream/1");
            r.ResponseHeaders.Add("Set-Cookie", "a=1");
            r.ResponseHeaders.Add("Set-Cookie", "b=2");
            return "created"u8.ToArray();
        }));
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = c.ReadResponse();
        Assert.Equal(201, response.Status);
        Assert.Equal("Made It", response.Reason);
        Assert.Equal("created", response.Text);
        Assert.Equal("yes", response.Header("X-End"));
        Assert.Equal("upstream/1", response.Header("Server"));
        Assert.Equal(["a=1", "b=2"], response.AllHeaders("Set-Cookie"));
        Assert.Single(response.AllHeaders("Date"));
        Assert.Null(response.Header("X-Resp-Hop"));
        Assert.Null(response.Header("Keep-Alive"));
        Assert.Null(response.Header("Proxy-Authenticate"));
        Assert.Null(response.Header("Connection"));
        // The proxy's client connection is kept alive whatever the upstream's said.
        c.Send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(201, c.ReadResponse().Status);
    }

    [Fact]
    public void UpstreamConnectionsAreReused()
    {
        var (upstream, _) = StartUpstream();
        using var _u = upstream;
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        for (var i = 0; i < 20; i++)
        {
            c.Send($"GET /p/{i} HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, c.ReadResponse().Status);
        }
        Assert.Equal(1, upstream.Call(() => upstream.Site.OpenConnections));
        Assert.Equal(20, proxy.Server.Call(() => proxy.Resource.Forwarded));
    }

    /// <summary>A site root that hands every request to a resource made later (once the reactor exists).</summary>
    private sealed class LateRoot : Resource
    {
        public Resource? Inner { get; set; }

        public override bool IsLeaf => true;

        public override bool StreamsRequestBody => true;

        public override RenderResult Render(Request request) => Inner!.Render(request);
    }

    [Fact]
    public void AsTheSiteRootTheWholePathIsForwarded()
    {
        var (upstream, _) = StartUpstream();
        using var _u = upstream;
        var root = new LateRoot();
        using var proxy = new SiteServer(root);
        proxy.Call(() => root.Inner = new Torsion.Web.Proxy.ReverseProxyResource("127.0.0.1", upstream.Port, "", proxy.Reactor));
        using var c = proxy.Connect();
        foreach (var path in new[] { "/", "/up/a?b=c", "/up/" })
        {
            c.Send($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            var response = c.ReadResponse();
            if (path == "/")
            {
                // The upstream site has no "/" page: its 404 comes through.
                Assert.Equal(404, response.Status);
                continue;
            }
            Assert.Equal(path, UpstreamEcho.Field(response.Text, "uri"));
        }
    }
}
