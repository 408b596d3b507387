using System.Text;
using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>The resource model and response framing through a real listening Site, over raw sockets.</summary>
public sealed class BasicTests
{
    private static Resource Tree()
    {
        var root = new Resource();
        root.PutChild("", LambdaResource.Text("root"));
        root.PutChild("hello", LambdaResource.Text("Hello, World!"));
        var dir = new Resource();
        dir.PutChild("leaf", new LambdaResource(get: r => Encoding.UTF8.GetBytes(string.Join("|", r.Prepath) + "#" + string.Join("|", r.Postpath))));
        root.PutChild("dir", dir);
        root.PutChild("args", new LambdaResource(
            get: r => Encoding.UTF8.GetBytes(string.Join(";", r.Args.OrderBy(a => a.Key).Select(a => a.Key + "=" + string.Join(",", a.Value)))),
            post: r => Encoding.UTF8.GetBytes(string.Join(";", r.Args.OrderBy(a => a.Key).Select(a => a.Key + "=" + string.Join(",", a.Value))))));
        return root;
    }

    [Fact]
    public void HelloHasContentLengthDateAndServer()
    {
        using var server = new SiteServer(Tree());
        using var c = server.Connect();
        c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal(200, r.Status);
        Assert.Equal("OK", r.Reason);
        Assert.Equal("Hello, World!", r.Text);
        Assert.Equal("13", r.Header("Content-Length"));
        Assert.Equal("text/plain", r.Header("Content-Type"));
        Assert.Equal("Torsion", r.Header("Server"));
        Assert.True(DateTimeOffset.TryParse(r.Header("Date"), out var date));
        Assert.True(Math.Abs((date - DateTimeOffset.UtcNow).TotalMinutes) < 5);
        Assert.Null(r.Header("Transfer-Encoding"));
    }

    [Fact]
    public void TraversalFollowsChildrenAndLeavesPostpath()
    {
        using var server = new SiteServer(Tree());
        using var c = server.Connect();
        c.Send("GET /dir/leaf/a/b%20c?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("dir|leaf#a|b c", c.ReadResponse().Text);
        c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("root", c.ReadResponse().Text);
        c.Send("GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n");
        var missing = c.ReadResponse();
        Assert.Equal(404, missing.Status);
        Assert.Contains("No Such Resource", missing.Text);
        c.Send("GET /dir HTTP/1.1\r\nHost: x\r\n\r\n");
        var bare = c.ReadResponse();
        Assert.Equal(405, bare.Status);
        Assert.Equal("", bare.Header("Allow"));
    }

    [Fact]
    public void UnansweredMethodIs405WithAllow()
    {
        using var server = new SiteServer(Tree());
        using var c = server.Connect();
        c.Send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal(405, r.Status);
        Assert.Equal("GET, HEAD", r.Header("Allow"));
        c.Send("PUT /args HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        var put = c.ReadResponse();
        Assert.Equal(405, put.Status);
        Assert.Equal("GET, HEAD, POST", put.Header("Allow"));
    }

    [Fact]
    public void AllowedMethodsFollowOverrides()
    {
        Assert.Equal(["GET", "HEAD", "POST"], new GetPostResource().AllowedMethods);
        Assert.Empty(new Resource().AllowedMethods);
    }

    [Fact]
    public void HeadIsAnsweredFromGetWithoutTheBody()
    {
        using var server = new SiteServer(Tree());
        using var c = server.Connect();
        c.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = c.ReadResponse(head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("13", head.Header("Content-Length"));
        // The next response starts right after the head: no body bytes were sent for HEAD.
        var get = c.ReadResponse();
        Assert.Equal("Hello, World!", get.Text);
    }

    [Fact]
    public void QueryAndFormArgs()
    {
        using var server = new SiteServer(Tree());
        using var c = server.Connect();
        c.Send("GET /args?a=1&b=x+y&a=%C3%A9&flag HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("a=1,é;b=x y;flag=", c.ReadResponse().Text);
        var form = "c=3&a=2";
        c.Send($"POST /args?a=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {form.Length}\r\n\r\n{form}");
        Assert.Equal("a=1,2;c=3", c.ReadResponse().Text);
    }

    [Fact]
    public void KeepAliveServesManyRequestsOnOneConnectionAndCounts()
    {
        using var server = new SiteServer(Tree());
        using var c = server.Connect();
        for (var i = 0; i < 20; i++)
        {
            c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal("Hello, World!", c.ReadResponse().Text);
        }
        Assert.Equal(20, server.Call(() => server.Site.RequestsServed));
        Assert.Equal(1, server.Call(() => server.Site.OpenConnections));
        c.Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var last = c.ReadResponse();
        Assert.Equal("close", last.Header("Connection"));
        Assert.True(c.WaitClosed());
        Assert.Equal(0, WaitFor(server, () => server.Site.OpenConnections, 0));
    }

    [Fact]
    public void Http10ClosesUnlessKeepAliveAndIsNeverChunked()
    {
        SiteServer? server = null;
        var root = Tree();
        root.PutChild("stream", new LambdaResource(get: r =>
        {
            r.Write("part1,");
            server!.Reactor.CallLater(0.05, () =>
            {
                r.Write("part2");
                r.Finish();
            });
            return RenderResult.NotDoneYet;
        }));
        using var srv = new SiteServer(root);
        server = srv;
        using (var c = srv.Connect())
        {
            c.Send("GET /hello HTTP/1.0\r\n\r\n");
            var r = c.ReadResponse();
            Assert.Equal("Hello, World!", r.Text);
            Assert.Equal("close", r.Header("Connection"));
            Assert.True(c.WaitClosed());
        }
        using (var c = srv.Connect())
        {
            c.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            var r = c.ReadResponse();
            Assert.Equal("keep-alive", r.Header("Connection"));
            c.Send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            var s = c.ReadResponse();
            Assert.Null(s.Header("Transfer-Encoding"));
            Assert.Null(s.Header("Content-Length"));
            Assert.Equal("close", s.Header("Connection"));
            Assert.Equal("part1,part2", s.Text);
        }
    }

    [Fact]
    public void UnknownLengthIsChunkedForHttp11()
    {
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("s", new LambdaResource(get: r =>
        {
            r.Write("one;");
            self!.Reactor.CallLater(0.02, () => r.Write("two;"));
            self!.Reactor.CallLater(0.04, () => r.Finish());
            return RenderResult.NotDoneYet;
        }));
        using var srv = new SiteServer(root);
        self = srv;
        using var c = srv.Connect();
        c.Send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal("chunked", r.Header("Transfer-Encoding"));
        Assert.Equal("one;two;", r.Text);
        Assert.Equal(3, r.Chunks);
        c.Send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("one;two;", c.ReadResponse().Text);
    }

    [Fact]
    public void WritesBeforeTheRenderReturnsAreSentWithAContentLengthInOneWrite()
    {
        var root = new Resource();
        root.PutChild("w", new LambdaResource(get: r =>
        {
            r.Write("a");
            r.Write("b");
            r.Finish();
            return RenderResult.NotDoneYet;
        }));
        root.PutChild("empty", new LambdaResource(get: r => Array.Empty<byte>()));
        root.PutChild("nocontent", new LambdaResource(get: r =>
        {
            r.SetResponseCode(204);
            return Array.Empty<byte>();
        }));
        using var srv = new SiteServer(root);
        using var c = srv.Connect();
        c.Send("GET /w HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal("2", r.Header("Content-Length"));
        Assert.Equal("ab", r.Text);
        c.Send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("0", c.ReadResponse().Header("Content-Length"));
        c.Send("GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\nGET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
        var nc = c.ReadResponse();
        Assert.Equal(204, nc.Status);
        Assert.Null(nc.Header("Content-Length"));
        Assert.Null(nc.Header("Transfer-Encoding"));
        Assert.Equal(200, c.ReadResponse().Status);
    }

    internal static T WaitFor<T>(SiteServer server, Func<T> read, T expected)
    {
        // Bounded: the state is reached by an event on the reactor; sampled until then or 30 s.
        var until = DateTime.UtcNow.AddSeconds(30);
        T value;
        while (!EqualityComparer<T>.Default.Equals(value = server.Call(read), expected) && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }
        return value;
    }
}
