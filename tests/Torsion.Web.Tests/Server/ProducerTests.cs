using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>Streamed responses through Request.RegisterProducer: paused by a slow reader, stopped when the client goes away.</summary>
public sealed class ProducerTests
{
    [Fact]
    public void APushProducerIsPausedByASlowReaderAndTheBodyArrivesWhole()
    {
        const long total = 32L << 20;
        CountingPushProducer? producer = null;
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("big", new LambdaResource(get: r =>
        {
            producer = new CountingPushProducer(r, self!.Reactor, total);
            producer.Start();
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root);
        self = server;
        using var c = server.Connect();
        c.Socket.ReceiveBufferSize = 32 * 1024;
        c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        // Read nothing until the producer has been paused (bounded wait), then read everything.
        Assert.True(BasicTests.WaitFor(server, () => producer?.Pauses > 0, true), "the producer was never paused");
        Assert.True(server.Call(() => producer!.Sent) < total);
        var r = c.ReadResponse();
        Assert.Equal("chunked", r.Header("Transfer-Encoding"));
        Assert.Equal(total, r.Body.LongLength);
        c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(total, c.ReadResponse().Body.LongLength);
    }

    [Fact]
    public void APushProducerIsStoppedWhenTheClientGoesAway()
    {
        CountingPushProducer? producer = null;
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("big", new LambdaResource(get: r =>
        {
            producer = new CountingPushProducer(r, self!.Reactor, 1L << 40);
            producer.Start();
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root);
        self = server;
        using (var c = server.Connect())
        {
            c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            c.ReadExactly(100);
        }
        Assert.True(BasicTests.WaitFor(server, () => producer!.Stopped, true));
    }

    [Fact]
    public void APullProducerIsAskedUntilItFinishes()
    {
        CountingPullProducer? producer = null;
        var root = new Resource();
        root.PutChild("pull", new LambdaResource(get: r =>
        {
            producer = new CountingPullProducer(r, 1 << 20);
            r.RegisterProducer(producer, streaming: false);
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("GET /pull HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(1 << 20, c.ReadResponse().Body.Length);
        Assert.True(server.Call(() => producer!.Asked) >= 64);
    }

    [Fact]
    public void HeadOfAStreamedResponseSendsNoBody()
    {
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("s", new LambdaResource(get: r =>
        {
            r.Write("x");
            self!.Reactor.CallLater(0.02, () =>
            {
                r.Write("y");
                r.Finish();
            });
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root);
        self = server;
        using var c = server.Connect();
        c.Send("HEAD /s HTTP/1.1\r\nHost: x\r\n\r\nGET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = c.ReadResponse(head: true);
        Assert.Equal(200, head.Status);
        Assert.Null(head.Header("Transfer-Encoding"));
        Assert.Equal("xy", c.ReadResponse().Text);
    }
}
