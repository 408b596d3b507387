using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>Request bodies: buffered and chunked, Expect: 100-continue, and streamed with back-pressure.</summary>
public sealed class BodyTests
{
    [Fact]
    public void ChunkedRequestBodyIsDeChunked()
    {
        var root = new Resource();
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n");
        Assert.Equal("hello, world", c.ReadResponse().Text);
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        Assert.Equal("abc", c.ReadResponse().Text);
    }

    [Fact]
    public void ContinueIsSentForABufferedResourceBeforeTheBody()
    {
        var root = new Resource();
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        var interim = c.ReadResponse();
        Assert.Equal(100, interim.Status);
        c.Send("body");
        var r = c.ReadResponse();
        Assert.Equal(200, r.Status);
        Assert.Equal("body", r.Text);
    }

    [Fact]
    public void NoContinueWhenTheResourceDoesNotWantTheBody()
    {
        var root = new Resource();
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        root.PutChild("deny", new LambdaResource(post: r =>
        {
            r.SetResponseCode(401);
            return "no"u8.ToArray();
        }, streams: true));
        using var server = new SiteServer(root);
        foreach (var path in new[] { "/missing", "/deny", "/echo?get-only" })
        {
            using var c = server.Connect();
            var method = path.StartsWith("/echo", StringComparison.Ordinal) ? "PUT" : "POST";
            c.Send($"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            var r = c.ReadResponse();
            Assert.NotEqual(100, r.Status);
            Assert.True(r.Status is 401 or 404 or 405, $"{path}: {r.Status}");
            Assert.Equal("close", r.Header("Connection"));
            Assert.True(c.WaitClosed());
        }
    }

    [Fact]
    public void ContinueIsSentWhenAStreamingResourceStartsReading()
    {
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("later", new LambdaResource(post: r =>
        {
            var d = new Deferred<byte[]>();
            // Reads only after a while: 100 Continue must wait for that.
            self!.Reactor.CallLater(0.2, () => r.Body.ReadAllAsync().AddCallback(body => d.Callback(body)));
            return d;
        }, streams: true));
        using var server = new SiteServer(root);
        self = server;
        using var c = server.Connect();
        var sw = Stopwatch.StartNew();
        c.Send("POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal(100, c.ReadResponse().Status);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.15), $"100 Continue came after {sw.Elapsed}, before the resource read");
        c.Send("hello");
        Assert.Equal("hello", c.ReadResponse().Text);
    }

    [Fact]
    public void AStreamingResourceThatDoesNotReadDrainsTheBodyAndKeepsTheConnection()
    {
        var root = new Resource();
        root.PutChild("ignore", new LambdaResource(post: r => "ignored"u8.ToArray(), streams: true));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        var body = new string('x', 100_000);
        c.Send($"POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n{body}GET /ignore HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("ignored", c.ReadResponse().Text);
        Assert.Equal(405, c.ReadResponse().Status);
    }

    [Fact]
    public void StreamedBodyIsReadAsItArrives()
    {
        var chunks = new List<int>();
        var root = new Resource();
        root.PutChild("count", new LambdaResource(post: r => Count(r, chunks), streams: true));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        c.Send("2\r\nde\r\n0\r\n\r\n");
        Assert.Equal("5", c.ReadResponse().Text);
        Assert.True(server.Call(() => chunks.Count) >= 1);
    }

    private static async RenderResult Count(Request request, List<int> chunks)
    {
        var buffer = new byte[4];
        long total = 0;
        int n;
        while ((n = await request.Body.ReadAsync(buffer)) > 0)
        {
            chunks.Add(n);
            total += n;
        }
        request.Write(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ASlowReaderHoldsTheClientBack()
    {
        // The resource reads 64 KiB, then waits for the test; the client tries to send 64 MiB. While the
        // resource waits, the server must stop reading: what it received stays near the socket buffers.
        const long size = 64L << 20;
        var gate = new Deferred();
        RequestBody? body = null;
        var root = new Resource();
        root.PutChild("slow", new LambdaResource(post: r => SlowRead(r, gate, b => body = b), streams: true));
        using var server = new SiteServer(root, o => o.Limits.MaxBodySize = size);
        using var c = server.Connect();
        c.Socket.SendBufferSize = 64 * 1024;
        c.Send($"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n");
        var sent = 0L;
        var sender = Task.Run(
            () =>
        {
            var block = new byte[64 * 1024];
            while (sent < size)
            {
                sent += c.Socket.Send(block, (int)Math.Min(block.Length, size - sent), SocketFlags.None);
            }
        },
            TestContext.Current.CancellationToken);
        long last = -1, now = 0;
        for (var i = 0; i < 150 && now != last; i++)
        {
            last = now;
            Thread.Sleep(200);
            now = server.Call(() => body?.BytesReceived ?? 0);
        }
        Assert.False(sender.IsCompleted, "the whole body was sent while the resource was not reading");
        Assert.True(now < size / 2, $"the server read {now} bytes while the resource was not reading");
        server.Call(() =>
        {
            gate.Callback();
            return 0;
        });
        await sender.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), c.ReadResponse().Text);
    }

    private static async Task<byte[]> SlowRead(Request request, Deferred gate, Action<RequestBody> seen)
    {
        seen(request.Body);
        var buffer = new byte[64 * 1024];
        long total = await request.Body.ReadAsync(buffer);
        await gate;
        int n;
        while ((n = await request.Body.ReadAsync(buffer)) > 0)
        {
            total += n;
        }
        return Encoding.ASCII.GetBytes(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
