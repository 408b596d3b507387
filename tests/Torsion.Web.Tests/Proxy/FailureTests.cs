using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Server;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>What the proxy does when the upstream refuses, stalls or dies, and when the client goes away.</summary>
public sealed class FailureTests
{
    [Fact]
    public void RefusedUpstreamAnswers502AndTheProxyGoesOn()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        using var proxy = new ProxyPair(port);
        using var c = proxy.Connect();
        c.Send("GET /p/x HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = c.ReadResponse();
        Assert.Equal(502, response.Status);
        Assert.Contains("refused", response.Text, StringComparison.Ordinal);
        // The same client connection is still served.
        c.Send("GET /p/y HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(502, c.ReadResponse().Status);
    }

    [Fact]
    public async Task SilentUpstreamAnswers504AndIsClosed()
    {
        using var upstream = new ScriptedUpstream((s, stop) => Task.Delay(Timeout.Infinite, stop));
        using var proxy = new ProxyPair(upstream.Port, configure: o => o.ResponseTimeout = 0.5);
        using var c = proxy.Connect();
        c.Send("GET /p/x HTTP/1.1\r\nHost: x\r\n\r\n");
        var response = c.ReadResponse();
        Assert.Equal(504, response.Status);
        Assert.True(await upstream.ClosedByProxy(), "the timed-out upstream request's connection was not closed");
    }

    [Fact]
    public void UpstreamDyingMidBodyAbortsTheClient()
    {
        using var upstream = new ScriptedUpstream(async (s, stop) =>
        {
            await s.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + new string('a', 1000)), stop);
            await Task.Delay(200, stop);
            s.Close();
        });
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("GET /p/x HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = Encoding.Latin1.GetString(c.ReadUntil("\r\n\r\n"u8));
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 100000", head, StringComparison.Ordinal);
        var rest = ReadUntilClosed(c);
        Assert.True(rest < 100000, $"the client got {rest} bytes of a body the upstream cut at 1000");
    }

    [Fact]
    public void ChunkedUpstreamDyingMidBodyNeverSendsTheLastChunk()
    {
        using var upstream = new ScriptedUpstream(async (s, stop) =>
        {
            await s.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"), stop);
            await Task.Delay(200, stop);
            s.Close();
        });
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("GET /p/x HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = Encoding.Latin1.GetString(c.ReadUntil("\r\n\r\n"u8));
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.Ordinal);
        var all = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = c.Socket.Receive(buffer)) > 0)
            {
                all.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        Assert.DoesNotContain("0\r\n\r\n", Encoding.Latin1.GetString([.. all]), StringComparison.Ordinal);
    }

    private static int ReadUntilClosed(RawClient c)
    {
        var total = 0;
        var buffer = new byte[65536];
        try
        {
            int n;
            while ((n = c.Socket.Receive(buffer)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        return total;
    }

    [Fact]
    public async Task ClientLeavingBeforeTheResponseCancelsTheUpstreamRequest()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gone = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new Resource();
        root.PutChild("up", new LambdaResource(get: r =>
        {
            r.NotifyFinish().AddBoth<Unit>(o =>
            {
                gone.TrySetResult(o.Failure is null ? "finished" : "lost");
                return Unit.Value;
            });
            arrived.SetResult();
            return RenderResult.NotDoneYet;
        }));
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        var c = proxy.Connect();
        c.Send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n");
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        c.Dispose();
        Assert.Equal("lost", await gone.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClientLeavingDuringTheBodyStopsTheUpstream()
    {
        PatternProducer? producer = null;
        var gone = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new Resource();
        root.PutChild("up", new LambdaResource(get: r =>
        {
            r.NotifyFinish().AddBoth<Unit>(o =>
            {
                gone.TrySetResult(o.Failure is null ? "finished" : "lost");
                return Unit.Value;
            });
            producer = new PatternProducer(r, long.MaxValue / 2);
            producer.Start();
            return RenderResult.NotDoneYet;
        }));
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        var c = proxy.Connect();
        c.Send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n");
        c.ReadUntil("\r\n\r\n"u8);
        c.ReadExactly(100_000);
        c.Dispose();
        Assert.Equal("lost", await gone.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.True(upstream.Call(() => producer!.Stopped));
    }

    [Fact]
    public void AnUploadStillMovingIsNotTimedOut()
    {
        // The response timeout is 1 s but the client takes about 3 s to send its body in pieces, 0.25 s
        // apart (a 4x margin for a loaded machine); the timeout counts from the last piece forwarded, so
        // the answer is the upstream's, not 504.
        var root = new Resource();
        root.PutChild("up", new UpstreamEcho());
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port, upstreamPath: "/up", configure: o => o.ResponseTimeout = 1.0);
        using var c = proxy.Connect();
        c.Send("POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var i = 0; i < 12; i++)
        {
            c.Send("1\r\nx\r\n");
            Thread.Sleep(250);
        }
        c.Send("0\r\n\r\n");
        var response = c.ReadResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal("12", UpstreamEcho.Field(response.Text, "length"));
    }

    [Fact]
    public void AClientBreakingItsBodyGetsTheServers400()
    {
        var root = new Resource();
        root.PutChild("up", new UpstreamEcho());
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        using var c = proxy.Connect();
        c.Send("POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
        Assert.Equal(400, c.ReadResponse().Status);
        Assert.True(c.WaitClosed());
        // The proxy serves the next client.
        using var d = proxy.Connect();
        d.Send("GET /p/ok HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, d.ReadResponse().Status);
    }

    [Fact]
    public async Task ClientLeavingMidUploadCancelsTheUpstreamRequest()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcome = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new Resource();
        root.PutChild("up", new LambdaResource(post: r => ReadUntilGone(r, started, outcome), streams: true));
        using var upstream = new SiteServer(root);
        using var proxy = new ProxyPair(upstream.Port);
        var c = proxy.Connect();
        c.Send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + new string('u', 1000));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        c.Dispose();
        Assert.Equal("lost", await outcome.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
    }

    private static async Task<byte[]> ReadUntilGone(Request request, TaskCompletionSource started, TaskCompletionSource<string> outcome)
    {
        var buffer = new byte[4096];
        try
        {
            while (await request.Body.ReadAsync(buffer) > 0)
            {
                started.TrySetResult();
            }
            outcome.TrySetResult("complete");
        }
        catch (Exception e) when (e is ConnectionLost or ConnectionDone or RequestBodyException)
        {
            outcome.TrySetResult("lost");
        }
        return [];
    }
}
