using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>The connection pool: reuse, the per-host limit and its queue, the retry on a stale connection, the idle timeout.</summary>
public sealed class PoolTests
{
    private static Deferred<string> Get(Agent agent, string url) =>
        agent.Request("GET", url).AddCallback(WebClient.ReadBody).AddCallback(b => Encoding.UTF8.GetString(b));

    [Fact]
    public void SequentialRequestsReuseOneConnection()
    {
        using var server = RawServer.Answering(r => RawServer.Ok("answer to " + r.Target));
        var bodies = Run(reactor =>
        {
            var agent = new Agent(reactor);
            return Get(agent, server.Url("/1"))
                .AddCallback(a => Get(agent, server.Url("/2")).AddCallback(b => Get(agent, server.Url("/3")).AddCallback(c => new[] { a, b, c })));
        });
        Assert.Equal(["answer to /1", "answer to /2", "answer to /3"], bodies);
        Assert.Equal(1, server.Accepted);
        Assert.All(server.RequestsSoFar(), r => Assert.Equal(server.RequestsSoFar()[0].Connection, r.Connection));
    }

    [Fact]
    public void NonPersistentPoolUsesAConnectionPerRequestAndSaysClose()
    {
        using var server = new RawServer(async (c, _) =>
        {
            var request = await c.ReadRequestAsync();
            await c.WriteAsync(RawServer.Ok("x"));
            await c.WaitClosedAsync(TimeSpan.FromSeconds(30));
        });
        Run(reactor =>
        {
            var agent = new Agent(reactor, new AgentOptions { Pool = new HttpConnectionPool(reactor, persistent: false) });
            return Get(agent, server.Url("/1")).AddCallback(_ => Get(agent, server.Url("/2")));
        });
        Assert.Equal(2, server.Accepted);
        Assert.All(server.RequestsSoFar(), r => Assert.Equal("close", r.Field("connection")));
    }

    [Fact]
    public void PerHostLimitQueuesRequestsInOrder()
    {
        using var server = RawServer.Answering(r => RawServer.Ok("answer to " + r.Target));
        var bodies = Run(reactor =>
        {
            var pool = new HttpConnectionPool(reactor) { MaxConnectionsPerHost = 2 };
            var agent = new Agent(reactor, new AgentOptions { Pool = pool });
            var all = Enumerable.Range(1, 6).Select(i => Get(agent, server.Url($"/{i}"))).ToList();
            // Two connect at once; the other four wait in the pool's queue.
            Assert.Equal(2, pool.OpenConnections);
            return Deferred.GatherResults(all);
        });
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"answer to /{i}"), bodies);
        Assert.Equal(2, server.Accepted);
        // Queued requests went out first come, first served.
        var queued = server.RequestsSoFar().Select(r => r.Target).Where(t => t is not ("/1" or "/2")).ToList();
        Assert.Equal(["/3", "/4", "/5", "/6"], queued);
    }

    [Fact]
    public void PerHostLimitOfOneSerializesOnOneConnection()
    {
        using var server = RawServer.Answering(r => RawServer.Ok(r.Target));
        var bodies = Run(reactor =>
        {
            var agent = new Agent(reactor, new AgentOptions { Pool = new HttpConnectionPool(reactor) { MaxConnectionsPerHost = 1 } });
            return Deferred.GatherResults(Enumerable.Range(1, 5).Select(i => Get(agent, server.Url($"/{i}"))));
        });
        Assert.Equal(["/1", "/2", "/3", "/4", "/5"], bodies);
        Assert.Equal(1, server.Accepted);
        Assert.Equal(["/1", "/2", "/3", "/4", "/5"], server.RequestsSoFar().Select(r => r.Target));
    }

    // The first connection answers once, then reads the next request and closes without answering: the
    // server had timed the idle connection out just as the client reused it.
    private static RawServer StaleAfterFirst() => new(async (c, index) =>
    {
        if (index == 0)
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(RawServer.Ok("first"));
            await c.ReadRequestAsync();
            return;
        }
        while (await c.ReadRequestAsync() is { } request)
        {
            await c.WriteAsync(RawServer.Ok("fresh " + request.Method));
        }
    });

    [Fact]
    public void IdempotentRequestIsRetriedOnceWhenTheCachedConnectionWasStale()
    {
        using var server = StaleAfterFirst();
        var second = Run(reactor =>
        {
            var agent = new Agent(reactor);
            return Get(agent, server.Url("/a")).AddCallback(_ => Get(agent, server.Url("/b")));
        });
        Assert.Equal("fresh GET", second);
        Assert.Equal(2, server.Accepted);
        Assert.Equal(["/a", "/b", "/b"], server.RequestsSoFar().Select(r => r.Target));
    }

    [Fact]
    public void PostIsNotRetriedOnAStaleConnection()
    {
        using var server = StaleAfterFirst();
        var error = Failure(reactor =>
        {
            var agent = new Agent(reactor);
            return Get(agent, server.Url("/a")).AddCallback(_ =>
                agent.Request("POST", server.Url("/b"), null, new BytesBodyProducer("data"u8.ToArray())));
        });
        Assert.Contains("closed the connection before answering", Assert.IsType<ResponseFailedException>(error).Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public void IdleConnectionIsClosedAfterTheCachedConnectionTimeout()
    {
        var closedByClient = new TaskCompletionSource<bool>();
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(RawServer.Ok("x"));
            closedByClient.TrySetResult(await c.WaitClosedAsync(TimeSpan.FromSeconds(30)));
        });
        var idleBefore = -1;
        var idleAfter = -1;
        var sawClose = false;
        Run(reactor =>
        {
            var pool = new HttpConnectionPool(reactor) { CachedConnectionTimeout = 0.2 };
            var agent = new Agent(reactor, new AgentOptions { Pool = pool });
            return Get(agent, server.Url()).AddCallback(_ =>
            {
                idleBefore = pool.IdleConnections;
                // Wait for the server to see the close, off the loop, then look at the pool.
                return Deferred.FromTask(closedByClient.Task).AddCallback(closed =>
                {
                    idleAfter = pool.IdleConnections;
                    sawClose = closed;
                    return closed;
                });
            });
        });
        Assert.Equal(1, idleBefore);
        Assert.True(sawClose, "the client did not close the idle connection");
        Assert.Equal(0, idleAfter);
    }

    [Fact]
    public void CloseCachedConnectionsClosesIdleOnes()
    {
        var closed = new TaskCompletionSource<bool>();
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(RawServer.Ok("x"));
            closed.TrySetResult(await c.WaitClosedAsync(TimeSpan.FromSeconds(30)));
        });
        var (open, sawClose) = Run(reactor =>
        {
            var agent = new Agent(reactor);
            return Get(agent, server.Url()).AddCallback(_ => agent.Pool.CloseCachedConnections())
                .AddCallback(_ => Deferred.FromTask(closed.Task).AddCallback(c => (agent.Pool.OpenConnections, c)));
        });
        Assert.Equal(0, open);
        Assert.True(sawClose);
    }

    [Fact]
    public void ConnectionIsNotReusedAfterConnectionClose()
    {
        using var server = new RawServer(async (c, _) =>
        {
            while (await c.ReadRequestAsync() is { } request)
            {
                await c.WriteAsync(RawServer.Ok("x", "Connection: close\r\n"));
            }
        });
        Run(reactor =>
        {
            var agent = new Agent(reactor);
            return Get(agent, server.Url("/1")).AddCallback(_ => Get(agent, server.Url("/2")));
        });
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public void HostNamesGoThroughTheReactorsInstalledResolver()
    {
        using var server = RawServer.Answering(r => RawServer.Ok("via " + r.Field("host")));
        var resolver = new FixedResolver("web.example.test", System.Net.IPAddress.Loopback);
        var body = Run(reactor =>
        {
            reactor.InstallNameResolver(resolver);
            return Get(new Agent(reactor), $"http://web.example.test:{server.Port}/");
        });
        Assert.Equal($"via web.example.test:{server.Port}", body);
        Assert.Contains("web.example.test", resolver.Asked);
    }
}
