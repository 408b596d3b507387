using System.Text;
using Torsion.Defer;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>The upgrade seam: a resource hands the connection to another protocol after 101 Switching Protocols.</summary>
public sealed class UpgradeTests
{
    private static Resource Tree(Func<SiteServer> server)
    {
        var root = new Resource();
        root.PutChild("echo", new LambdaResource(get: r =>
        {
            if (r.GetHeader("Upgrade") != "echo")
            {
                r.SetResponseCode(426);
                return "upgrade required"u8.ToArray();
            }
            r.SetHeader("Upgrade", "echo");
            r.SetHeader("Connection", "Upgrade");
            r.Upgrade(new EchoProtocol());
            return RenderResult.NotDoneYet;
        }));
        root.PutChild("later", new LambdaResource(get: r =>
        {
            var d = new Deferred();
            server().Reactor.CallLater(0.1, () =>
            {
                r.SetHeader("Upgrade", "echo");
                r.SetHeader("Connection", "Upgrade");
                r.Upgrade(new EchoProtocol());
                d.Callback();
            });
            return d;
        }));
        return root;
    }

    [Theory]
    [InlineData("/echo")]
    [InlineData("/later")]
    public void BytesAfterTheHeadAndLaterBytesReachTheNewProtocol(string path)
    {
        SiteServer? self = null;
        using var server = new SiteServer(Tree(() => self!));
        self = server;
        using var c = server.Connect();
        // The first frame bytes arrive in the same write as the request, and so does a pipelined GET,
        // which must never be read as HTTP.
        c.Send($"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nearly bytes;GET /echo HTTP/1.1\r\n\r\n");
        var r = c.ReadResponse(head: true);
        Assert.Equal(101, r.Status);
        Assert.Equal("Switching Protocols", r.Reason);
        Assert.Equal("echo", r.Header("Upgrade"));
        Assert.Equal("Upgrade", r.Header("Connection"));
        Assert.Null(r.Header("Content-Length"));
        Assert.Null(r.Header("Transfer-Encoding"));
        var expected = "echo:early bytes;GET /echo HTTP/1.1\r\n\r\n";
        Assert.Equal(expected, Encoding.Latin1.GetString(c.ReadExactly(expected.Length)));
        c.Send("more");
        Assert.Equal("more", Encoding.Latin1.GetString(c.ReadExactly(4)));
        Assert.Equal(1, server.Call(() => server.Site.RequestsServed));
        c.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Equal(0, BasicTests.WaitFor(server, () => server.Site.OpenConnections, 0));
    }

    [Fact]
    public void WithoutTheUpgradeHeaderItIsPlainHttp()
    {
        SiteServer? self = null;
        using var server = new SiteServer(Tree(() => self!));
        self = server;
        using var c = server.Connect();
        c.Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(426, c.ReadResponse().Status);
    }

    [Fact]
    public void ARequestWithABodyCannotUpgrade()
    {
        InvalidOperationException? refused = null;
        var root = new Resource();
        root.PutChild("u", new LambdaResource(post: r =>
        {
            refused = Assert.Throws<InvalidOperationException>(() => r.Upgrade(new EchoProtocol()));
            return "no"u8.ToArray();
        }, streams: true));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
        Assert.Equal("no", c.ReadResponse().Text);
        Assert.NotNull(server.Call(() => refused));
    }
}
