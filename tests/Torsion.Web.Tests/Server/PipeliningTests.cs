using System.Text;
using Torsion.Defer;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// Pipelined requests are answered strictly in order (Twisted's CVE-2023-46137 and CVE-2024-41671 were
/// ordering bugs): a later request is not even rendered until the earlier response is finished.
/// </summary>
public sealed class PipeliningTests
{
    [Fact]
    public void SlowFirstAndFastSecondAreAnsweredInOrder()
    {
        SiteServer? server = null;
        var events = new List<string>();
        var root = new Resource();
        root.PutChild("slow", new LambdaResource(get: r =>
        {
            events.Add("render slow");
            var d = new Deferred<byte[]>();
            server!.Reactor.CallLater(0.3, () =>
            {
                events.Add("finish slow");
                d.Callback("slow"u8.ToArray());
            });
            return d;
        }));
        root.PutChild("fast", new LambdaResource(get: r =>
        {
            events.Add("render fast");
            return "fast"u8.ToArray();
        }));
        root.PutChild("stream", new LambdaResource(get: r =>
        {
            events.Add("render stream");
            r.Write("s1");
            server!.Reactor.CallLater(0.2, () =>
            {
                r.Write("s2");
                r.Finish();
            });
            return RenderResult.NotDoneYet;
        }));
        using var srv = new SiteServer(root);
        server = srv;
        using var c = srv.Connect();
        c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("slow", c.ReadResponse().Text);
        Assert.Equal("fast", c.ReadResponse().Text);
        Assert.Equal("s1s2", c.ReadResponse().Text);
        Assert.Equal("fast", c.ReadResponse().Text);
        Assert.Equal(["render slow", "finish slow", "render fast", "render stream", "render fast"], srv.Call(() => events.ToList()));
    }

    [Fact]
    public void ManyPipelinedRequestsInOneWriteAreAllAnsweredInOrder()
    {
        var root = new Resource();
        root.PutChild("n", new LambdaResource(get: r => Encoding.ASCII.GetBytes(r.GetArg("i")!)));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        var all = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            all.Append($"GET /n?i={i} HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        c.Send(all.ToString());
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), c.ReadResponse().Text);
        }
    }

    [Fact]
    public void AClientThatDoesNotReadStopsTheServerReadingItsRequests()
    {
        // 1 MiB responses to a client that pipelines but never reads: the server must stop parsing
        // (and so stop buffering responses) instead of growing without bound.
        var big = new byte[1 << 20];
        var rendered = 0;
        var root = new Resource();
        root.PutChild("big", new LambdaResource(get: r =>
        {
            rendered++;
            return big;
        }));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Socket.ReceiveBufferSize = 64 * 1024;
        var requests = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", 200)));
        c.Send(requests);
        // Wait until rendering stops moving (bounded), then check it stopped far short of 200.
        var last = -1;
        var now = 0;
        for (var i = 0; i < 100 && now != last; i++)
        {
            last = now;
            Thread.Sleep(200);
            now = server.Call(() => rendered);
        }
        Assert.True(now < 100, $"{now} responses of 1 MiB were rendered for a client that reads nothing");
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(big.Length, c.ReadResponse().Body.Length);
        }
        Assert.Equal(200, server.Call(() => rendered));
    }
}
