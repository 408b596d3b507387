using System.Text;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// Framing errors and limits at the server: each is answered with its status, then the connection is
/// closed, while another connection opened before keeps being served.
/// </summary>
public sealed class LimitTests
{
    private static Resource Tree()
    {
        var root = new Resource();
        root.PutChild("hello", LambdaResource.Text("Hello"));
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        root.PutChild("stream", new LambdaResource(post: r => r.Body.ReadAllAsync(), streams: true));
        return root;
    }

    public static TheoryData<string, string, int> Cases => new()
    {
        { "bare LF", "GET /hello HTTP/1.1\nHost: x\r\n\r\n", 400 },
        { "space before colon", "GET /hello HTTP/1.1\r\nHost : x\r\n\r\n", 400 },
        { "obs-fold", "GET /hello HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400 },
        { "no Host", "GET /hello HTTP/1.1\r\n\r\n", 400 },
        { "two Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na", 400 },
        { "TE and CL", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        { "signed chunk size", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\na\r\n0\r\n\r\n", 400 },
        { "LF in chunk extension", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;a\nb\r\na\r\n0\r\n\r\n", 400 },
        { "gzip, chunked", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501 },
        { "HTTP/2.0", "GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
        { "Content-Length over the limit", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n", 413 },
        { "chunked body growing over the limit", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + new string('a', 512) + "\r\n200\r\n" + new string('a', 512) + "\r\n", 413 },
        { "streamed chunked body over the limit", "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + new string('a', 512) + "\r\n200\r\n" + new string('a', 512) + "\r\n", 413 },
        { "long request line", "GET /" + new string('a', 600) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414 },
        { "too many headers", "GET /hello HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 21).Select(i => $"X-{i}: v\r\n")) + "\r\n", 431 },
        { "header section too big", "GET /hello HTTP/1.1\r\nHost: x\r\nX: " + new string('v', 2100) + "\r\n\r\n", 431 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void IsAnsweredThenClosedWhileOthersAreServed(string name, string request, int status)
    {
        using var server = new SiteServer(Tree(), o =>
        {
            o.Limits.MaxBodySize = 1000;
            o.Limits.MaxRequestLineLength = 512;
            o.Limits.MaxHeaderCount = 20;
            o.Limits.MaxHeaderBytes = 2048;
        });
        using var other = server.Connect();
        other.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("Hello", other.ReadResponse().Text);

        using var bad = server.Connect();
        bad.Send(request);
        var r = bad.ReadResponse();
        Assert.True(status == r.Status, $"{name}: expected {status}, got {r.Status}");
        Assert.Equal("close", r.Header("Connection"));
        Assert.True(bad.WaitClosed());

        other.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("Hello", other.ReadResponse().Text);
    }

    [Fact]
    public void AfterAnErrorAnswerTheServerDrainsWhatTheClientStillSends()
    {
        // A client still uploading when the 413 comes must be able to read it: the server half-closes and
        // reads what follows for a while (a lingering close) instead of closing with unread data, which
        // would reset the connection under the client.
        using var server = new SiteServer(Tree(), o => o.Limits.MaxBodySize = 1000);
        using var c = server.Connect();
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal(413, r.Status);
        for (var i = 0; i < 10; i++)
        {
            c.Send(new byte[8192]);
        }
        Assert.Equal(0, c.Socket.Receive(new byte[16]));
    }

    [Fact]
    public void ABodyWithinTheLimitIsServed()
    {
        using var server = new SiteServer(Tree(), o => o.Limits.MaxBodySize = 1000);
        using var c = server.Connect();
        var body = new string('b', 1000);
        c.Send($"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{body}");
        Assert.Equal(body, c.ReadResponse().Text);
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + body + "\r\n0\r\n\r\n");
        Assert.Equal(body, c.ReadResponse().Text);
    }

    [Fact]
    public void DefaultsAreSafe()
    {
        var o = new SiteOptions();
        Assert.Equal(8192, o.Limits.MaxRequestLineLength);
        Assert.Equal(100, o.Limits.MaxHeaderCount);
        Assert.Equal(32 * 1024, o.Limits.MaxHeaderBytes);
        Assert.Equal(30_000_000, o.Limits.MaxBodySize);
        Assert.Equal(75, o.IdleTimeout);
        Assert.Equal(30, o.HeaderTimeout);
        Assert.Equal(60, o.BodyTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => o.IdleTimeout = 0);
    }
}
