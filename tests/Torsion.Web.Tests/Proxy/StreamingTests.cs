using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Torsion.Defer;
using Torsion.Web.Server;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>Bodies through the proxy: streamed both ways, with back-pressure that keeps memory bounded.</summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task ChunkedRequestBodyIsForwardedBeforeItEnds()
    {
        // The upstream signals when it has read the first piece; the client sends the rest only then, so a
        // proxy that waited for the whole body would hang here.
        var firstPiece = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new Resource();
        root.PutChild("up", new LambdaResource(post: r => ReadInPieces(r, firstPiece), streams: true));
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        Assert.Equal("hello", await firstPiece.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        c.Send("7\r\n, world\r\n0\r\n\r\n");
        var response = c.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal("chunked:hello, world", response.Text);
    }

    private static async Task<byte[]> ReadInPieces(Request request, TaskCompletionSource<string> first)
    {
        var buffer = new byte[1024];
        var n = await request.Body.ReadAsync(buffer);
        var all = new StringBuilder(Encoding.ASCII.GetString(buffer, 0, n));
        first.SetResult(all.ToString());
        while ((n = await request.Body.ReadAsync(buffer)) > 0)
        {
            all.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return Encoding.ASCII.GetBytes((request.GetHeader("Transfer-Encoding") ?? "length") + ":" + all);
    }

    [Fact]
    public async Task LargeRequestBodyIsStreamedWithBackPressure()
    {
        // The upstream reads 64 KiB and then waits; the client tries to send 64 MiB through the proxy. The
        // proxy must stop reading the client too (it holds one buffer), so the client cannot finish sending.
        const long size = 64L << 20;
        var gate = new Deferred();
        RequestBody? body = null;
        var root = new Resource();
        root.PutChild("up", new LambdaResource(post: r => SlowHash(r, gate, b => body = b), streams: true));
        using var upstream = new SiteServer(root, o => o.Limits.MaxBodySize = size);
        using var proxy = new ProxyPair(upstream.Port, site: o => o.Limits.MaxBodySize = size);
        using var c = proxy.Connect();
        c.Socket.SendBufferSize = 64 * 1024;
        c.Send($"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n");
        var sent = 0L;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var sender = Task.Run(
            () =>
            {
                // A whole number of pattern periods, so every block is the same bytes.
                var block = new byte[251 * 256];
                for (var i = 0; i < block.Length; i++)
                {
                    block[i] = PatternProducer.At(i);
                }
                while (Volatile.Read(ref sent) < size)
                {
                    var n = (int)Math.Min(block.Length, size - sent);
                    sha.AppendData(block, 0, n);
                    var off = 0;
                    while (off < n)
                    {
                        off += c.Socket.Send(block, off, n - off, SocketFlags.None);
                    }
                    Interlocked.Add(ref sent, n);
                }
            },
            TestContext.Current.CancellationToken);
        long last = -1, now = 0;
        for (var i = 0; i < 150 && now != last; i++)
        {
            last = now;
            Thread.Sleep(200);
            // The client's progress: it stops when the proxy stops reading.
            now = Volatile.Read(ref sent);
        }
        Assert.False(sender.IsCompleted, "the whole body was sent while the upstream was not reading: the proxy buffered it");
        Assert.True(upstream.Call(() => body?.BytesReceived ?? 0) < size / 2);
        Assert.True(Volatile.Read(ref sent) < size / 2, $"the client sent {sent} bytes while the upstream was not reading");
        upstream.Call(() =>
        {
            gate.Callback();
            return 0;
        });
        await sender.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        var response = c.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal($"{size} {Convert.ToHexStringLower(sha.GetHashAndReset())}", response.Text);
    }

    private static async Task<byte[]> SlowHash(Request request, Deferred gate, Action<RequestBody> seen)
    {
        seen(request.Body);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = await request.Body.ReadAsync(buffer);
        hash.AppendData(buffer, 0, (int)total);
        await gate;
        int n;
        while ((n = await request.Body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }
        return Encoding.ASCII.GetBytes($"{total} {Convert.ToHexStringLower(hash.GetHashAndReset())}");
    }

    [Fact]
    public void ChunkedLargeRequestBodyArrivesWhole()
    {
        var (upstream, _) = (new SiteServer(UpstreamRoot(), o => o.Limits.MaxBodySize = 1L << 30), 0);
        using var _u = upstream;
        using var proxy = new ProxyPair(upstream.Port, site: o => o.Limits.MaxBodySize = 1L << 30);
        using var c = proxy.Connect();
        var data = new byte[5 << 20];
        new Random(7).NextBytes(data);
        c.Send("POST /p/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var off = 0; off < data.Length; off += 100_000)
        {
            var n = Math.Min(100_000, data.Length - off);
            c.Send(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            c.Send(data[off..(off + n)]);
            c.Send("\r\n");
        }
        c.Send("0\r\n\r\n");
        var echo = c.ReadResponse().Text;
        Assert.Equal("chunked", UpstreamEcho.Field(echo, "framing"));
        Assert.Equal(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), UpstreamEcho.Field(echo, "length"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), UpstreamEcho.Field(echo, "sha"));
    }

    private static Resource UpstreamRoot()
    {
        var root = new Resource();
        root.PutChild("up", new UpstreamEcho());
        return root;
    }

    [Fact]
    public void ASlowClientPausesTheUpstreamAndTheProxyBuffersLittle()
    {
        // 96 MiB from the upstream to a client that reads nothing for a while: the upstream's producer must be
        // paused with most of the body unwritten (if the proxy read on regardless, it would hold it all).
        const long size = 96L << 20;
        PatternProducer? producer = null;
        var root = new Resource();
        root.PutChild("up", new LambdaResource(get: r =>
        {
            producer = new PatternProducer(r, size);
            producer.Start();
            return RenderResult.NotDoneYet;
        }));
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Socket.ReceiveBufferSize = 64 * 1024;
        c.Send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n");
        long last = -1, now = 0;
        for (var i = 0; i < 150 && now != last; i++)
        {
            last = now;
            Thread.Sleep(200);
            now = upstream.Call(() => producer?.Written ?? 0);
        }
        var (paused, pauses) = upstream.Call(() => (producer!.Paused, producer.Pauses));
        Assert.True(paused, "the upstream was never paused while the client did not read");
        Assert.True(pauses > 0);
        Assert.True(now < 40L << 20, $"the upstream wrote {now} bytes of {size} while the client read nothing");
        var response = c.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(size, response.Body.LongLength);
        for (var i = 0L; i < size; i += 4093)
        {
            Assert.Equal(PatternProducer.At(i), response.Body[i]);
        }
    }

    [Fact]
    public void ExpectContinueIsAnsweredByTheProxyAndNotForwarded()
    {
        using var upstream = new SiteServer(UpstreamRoot());
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("PUT /p/e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.Latin1.GetString(c.ReadUntil("\r\n\r\n"u8)));
        c.Send("hello");
        var echo = c.ReadResponse().Text;
        Assert.Equal("5", UpstreamEcho.Field(echo, "length"));
        Assert.Empty(UpstreamEcho.HeaderValues(echo, "expect"));
    }
}
