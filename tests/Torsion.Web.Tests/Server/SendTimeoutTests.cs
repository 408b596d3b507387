using System.Diagnostics;
using Torsion.Defer;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// <see cref="SiteOptions.SendTimeout"/>: a client that stops reading its response is cut off, its
/// request's NotifyFinish fails and the producer stops; a slow client that keeps reading is served.
/// Real timers; the only time assertions are lower bounds a timer (or the test's own pacing) guarantees.
/// </summary>
public sealed class SendTimeoutTests
{
    private sealed class Streamer(long total)
    {
        public CountingPushProducer? Producer { get; private set; }

        public TaskCompletionSource<Failure?> Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Resource Tree(Func<SiteServer> server)
        {
            var root = new Resource();
            root.PutChild("big", new LambdaResource(get: r =>
            {
                r.SetHeader("Content-Length", total.ToString(System.Globalization.CultureInfo.InvariantCulture));
                r.NotifyFinish().AddCallbacks(
                    _ => Finished.TrySetResult(null) ? Unit.Value : Unit.Value,
                    f => Finished.TrySetResult(f) ? Unit.Value : Unit.Value);
                Producer = new CountingPushProducer(r, server().Reactor, total);
                Producer.Start();
                return RenderResult.NotDoneYet;
            }));
            return root;
        }
    }

    [Fact]
    public async Task AClientThatStopsReadingIsCutOff()
    {
        var streamer = new Streamer(1L << 40);
        SiteServer? self = null;
        using var server = new SiteServer(streamer.Tree(() => self!), o =>
        {
            o.SendTimeout = 1;
            o.IdleTimeout = 60;
        });
        self = server;
        using var c = server.Connect();
        c.Socket.ReceiveBufferSize = 32 * 1024;
        var sw = Stopwatch.StartNew();
        c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        // Nothing is read: the server's write buffer fills and stays full.
        var failure = await streamer.Finished.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.NotNull(failure);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.9), $"cut off after {sw.Elapsed}");
        Assert.True(server.Call(() => streamer.Producer!.Stopped), "the producer was not stopped");
        Assert.True(server.Call(() => streamer.Producer!.Pauses) > 0);
        Assert.True(server.Call(() => streamer.Producer!.Sent) < 1L << 40);
        Assert.True(c.WaitClosed(), "the connection stayed open");
        Assert.Equal(0, BasicTests.WaitFor(server, () => server.Site.OpenConnections, 0));
    }

    [Fact]
    public async Task ASlowClientThatKeepsReadingIsServed()
    {
        const int total = 12 << 20;
        var streamer = new Streamer(total);
        SiteServer? self = null;
        using var server = new SiteServer(streamer.Tree(() => self!), o =>
        {
            o.SendTimeout = 1;
            o.IdleTimeout = 60;
        });
        self = server;
        using var c = server.Connect();
        c.Socket.ReceiveBufferSize = 32 * 1024;
        var sw = Stopwatch.StartNew();
        c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        c.ReadUntil("\r\n\r\n"u8);
        long received = c.TakeBuffered().Length;
        // 32 KiB every 10 ms at most (~3 MB/s, so 12 MiB takes 4 s; the kernel buffers a few MiB): slower than the server writes, so it is paused again and
        // again, but each full buffer drains well within the 1 s SendTimeout. At least 384 reads of 10 ms.
        var buffer = new byte[32 * 1024];
        for (var i = 0; i < 100_000 && received < total; i++)
        {
            Thread.Sleep(10);
            var n = c.Socket.Receive(buffer);
            Assert.True(n > 0, $"closed after {received} bytes");
            received += n;
        }
        Assert.Equal(total, received);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.96), $"read too fast to test anything: {sw.Elapsed}");
        Assert.Null(await streamer.Finished.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.True(server.Call(() => streamer.Producer!.Pauses) > 0, "the client never made the server wait");
        // Still usable: the connection was kept.
        c.Send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.Latin1.GetString(c.ReadUntil("\r\n"u8)));
    }
}
