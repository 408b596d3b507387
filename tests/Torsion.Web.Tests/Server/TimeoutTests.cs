using System.Diagnostics;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>
/// Idle keep-alive connections and slow senders are cut off by the reactor's timers. Real timers, short
/// settings; the only time assertions are lower bounds a timer guarantees.
/// </summary>
public sealed class TimeoutTests
{
    private static Resource Tree()
    {
        var root = new Resource();
        root.PutChild("hello", LambdaResource.Text("Hello"));
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        return root;
    }

    [Fact]
    public void AnIdleKeepAliveConnectionIsClosed()
    {
        using var server = new SiteServer(Tree(), o => o.IdleTimeout = 1);
        using var c = server.Connect();
        c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("Hello", c.ReadResponse().Text);
        var sw = Stopwatch.StartNew();
        Assert.True(c.WaitClosed());
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.9), $"closed after {sw.Elapsed}");
        Assert.Equal(0, BasicTests.WaitFor(server, () => server.Site.OpenConnections, 0));
    }

    [Fact]
    public void AConnectionThatNeverSendsIsClosed()
    {
        using var server = new SiteServer(Tree(), o => o.IdleTimeout = 1);
        using var c = server.Connect();
        Assert.True(c.WaitClosed());
    }

    [Fact]
    public void ASenderTricklingItsHeadIsCutOffWith408()
    {
        using var server = new SiteServer(Tree(), o =>
        {
            o.HeaderTimeout = 1.5;
            o.IdleTimeout = 60;
        });
        using var busy = server.Connect();
        using var c = server.Connect();
        var head = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Padding: " + new string('p', 400) + "\r\n\r\n";
        var sw = Stopwatch.StartNew();
        var sent = 0;
        var closed = false;
        // One byte every 50 ms: the whole head would take 20 s; the server must stop it at 1.5 s.
        while (sent < head.Length && !closed)
        {
            try
            {
                c.Send(head.Substring(sent, 1));
                sent++;
            }
            catch (System.Net.Sockets.SocketException)
            {
                closed = true;
            }
            closed |= c.Socket.Poll(50_000, System.Net.Sockets.SelectMode.SelectRead);
            // Meanwhile a normal client is served.
            if (sent % 10 == 0)
            {
                busy.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                Assert.Equal("Hello", busy.ReadResponse().Text);
            }
        }
        Assert.True(closed, "the trickling client was never cut off");
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(1.4), $"cut off after {sw.Elapsed}");
        var r = c.ReadResponse();
        Assert.Equal(408, r.Status);
        Assert.True(c.WaitClosed());
        Assert.True(sent < head.Length);
    }

    [Fact]
    public void ABodyThatStopsArrivingIsCutOff()
    {
        using var server = new SiteServer(Tree(), o =>
        {
            o.BodyTimeout = 1;
            o.IdleTimeout = 60;
        });
        using var c = server.Connect();
        var sw = Stopwatch.StartNew();
        c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        var r = c.ReadResponse();
        Assert.Equal(408, r.Status);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(0.9));
        Assert.True(c.WaitClosed());
    }

    [Fact]
    public async Task ASlowResourceIsNotTheClientsTimeout()
    {
        // On a hand-driven clock: 2 s of the resource's time pass in steps longer than every timeout,
        // whatever the machine's load, and none of them fires.
        var clock = new Torsion.Testing.Clock();
        var rendered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new Resource();
        root.PutChild("slow", new LambdaResource(get: r =>
        {
            clock.CallLater(2, () =>
            {
                r.Write("done");
                r.Finish();
            });
            rendered.SetResult();
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root, o =>
        {
            o.HeaderTimeout = 0.5;
            o.IdleTimeout = 0.5;
            o.BodyTimeout = 0.5;
            o.SendTimeout = 0.5;
        }, clock: clock);
        using var c = server.Connect();
        c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await rendered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++)
        {
            server.Advance(clock, 0.6);
        }
        Assert.Equal(1, server.Site.OpenConnections);
        server.Advance(clock, 0.6);
        Assert.Equal("done", c.ReadResponse().Text);
        // Then the idle timeout applies again.
        server.Advance(clock, 0.6);
        Assert.True(c.WaitClosed());
    }
}
