using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.TestSupport;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>Request's API end to end: async render, NotifyFinish, cookies, sessions, redirect, header checks, errors.</summary>
public sealed class RequestApiTests
{
    [Fact]
    public void AsyncRenderReturningTaskOfBytes()
    {
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("task", new LambdaResource(get: r => LaterAsync(self!)));
        root.PutChild("deferred", new LambdaResource(get: r => Deferred.Succeed("now"u8.ToArray())));
        root.PutChild("handler", new LambdaResource(get: r => WriteLater(r, self!)));
        using var server = new SiteServer(root);
        self = server;
        using var c = server.Connect();
        c.Send("GET /task HTTP/1.1\r\nHost: x\r\n\r\n");
        var t = c.ReadResponse();
        Assert.Equal("later", t.Text);
        Assert.Equal("5", t.Header("Content-Length"));
        c.Send("GET /deferred HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("now", c.ReadResponse().Text);
        c.Send("GET /handler HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("a-b", c.ReadResponse().Text);
    }

    private static async Task<byte[]> LaterAsync(SiteServer server)
    {
        await Task.Delay(50);
        Assert.Equal("site-reactor", Thread.CurrentThread.Name);
        await DelayOnReactor(server, 0.05);
        return "later"u8.ToArray();
    }

    private static async RenderResult WriteLater(Request request, SiteServer server)
    {
        request.Write("a");
        await DelayOnReactor(server, 0.05);
        Assert.Equal("site-reactor", Thread.CurrentThread.Name);
        request.Write("-b");
    }

    private static Deferred DelayOnReactor(SiteServer server, double seconds)
    {
        var d = new Deferred();
        server.Reactor.CallLater(seconds, () => d.Callback());
        return d;
    }

    [Fact]
    public async Task NotifyFinishFailsWhenTheClientGoesAway()
    {
        var lost = new TaskCompletionSource<Failure>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new Resource();
        root.PutChild("forever", new LambdaResource(get: r =>
        {
            r.NotifyFinish().AddErrback(f =>
            {
                lost.SetResult(f);
                return f;
            }).AddErrback(_ => Unit.Value);
            r.Write("started");
            started.SetResult();
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root);
        using (var c = server.Connect())
        {
            c.Send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        var failure = await lost.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(failure.Value is ConnectionDone or ConnectionLost, failure.ToString());
    }

    [Fact]
    public void NotifyFinishFiresWhenFinished()
    {
        var fired = false;
        var root = new Resource();
        root.PutChild("x", new LambdaResource(get: r =>
        {
            r.NotifyFinish().AddCallback(_ => fired = true);
            return "x"u8.ToArray();
        }));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("x", c.ReadResponse().Text);
        Assert.True(server.Call(() => fired));
    }

    [Fact]
    public void CookiesAreReadAndSetWithAttributes()
    {
        var root = new Resource();
        root.PutChild("c", new LambdaResource(get: r =>
        {
            r.AddCookie("theme", "dark", path: "/", maxAge: 3600, secure: true, httpOnly: true, sameSite: "Strict",
                expires: new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), domain: "example.com");
            r.AddCookie("plain", "1");
            Assert.Throws<ArgumentException>(() => r.AddCookie("bad", "a;b"));
            Assert.Throws<ArgumentException>(() => r.AddCookie("bad", "a\r\nSet-Cookie: x=y"));
            Assert.Throws<ArgumentException>(() => r.AddCookie("bad", "v", path: "/;evil"));
            return Encoding.UTF8.GetBytes($"{r.GetCookie("a")}|{r.GetCookie("b")}|{r.GetCookie("none") ?? "null"}");
        }));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("GET /c HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=\"two\"\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal("1|two|null", r.Text);
        Assert.Equal(
            ["theme=dark; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Domain=example.com; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Strict", "plain=1"],
            r.AllHeaders("Set-Cookie"));
    }

    [Fact]
    public void SessionsFollowTheCookieAndExpire()
    {
        // Touched on the reactor thread only (expiry callbacks and Call run there).
        var expired = new List<string>();
        var root = new Resource();
        root.PutChild("s", new LambdaResource(get: r =>
        {
            var session = r.GetSession();
            var n = session.Items.TryGetValue("n", out var v) ? (int)v! + 1 : 1;
            if (n == 1)
            {
                session.NotifyOnExpire(() => expired.Add(session.Uid));
            }
            session.Items["n"] = n;
            return Encoding.ASCII.GetBytes($"{session.Uid}:{n}");
        }));
        // Time is the test's: requests take no session time however loaded the machine is.
        var clock = new Torsion.Testing.Clock();
        using var server = new SiteServer(root, o => o.SessionTimeout = 1, clock: clock);
        using var c = server.Connect();
        c.Send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        var first = c.ReadResponse();
        var setCookie = first.Header("Set-Cookie")!;
        Assert.StartsWith("TORSION_SESSION=", setCookie);
        Assert.Contains("HttpOnly", setCookie);
        var uid = setCookie.Split(';')[0]["TORSION_SESSION=".Length..];
        Assert.Equal($"{uid}:1", first.Text);
        Assert.Equal(64, uid.Length);
        c.Send($"GET /s HTTP/1.1\r\nHost: x\r\nCookie: TORSION_SESSION={uid}\r\n\r\n");
        var second = c.ReadResponse();
        Assert.Equal($"{uid}:2", second.Text);
        Assert.Null(second.Header("Set-Cookie"));
        c.Send("GET /s HTTP/1.1\r\nHost: x\r\nCookie: TORSION_SESSION=forged\r\n\r\n");
        Assert.NotEqual(uid, c.ReadResponse().Text.Split(':')[0]);
        // Each use moves the expiry: 0.5 s, a use, 0.9 s more is 1.4 s old but 0.9 s unused.
        server.Advance(clock, 0.5);
        c.Send($"GET /s HTTP/1.1\r\nHost: x\r\nCookie: TORSION_SESSION={uid}\r\n\r\n");
        Assert.Equal($"{uid}:3", c.ReadResponse().Text);
        server.Advance(clock, 0.9);
        // The forged cookie's new session, never used again, has expired; the used one has not.
        Assert.Equal(1, server.Call(() => expired.Count));
        Assert.DoesNotContain(uid, server.Call(() => expired.ToArray()));
        Assert.NotNull(server.Call(() => server.Site.GetSession(uid)));
        server.Advance(clock, 0.2);
        Assert.Equal(uid, server.Call(() => expired.Last()));
        Assert.Null(server.Call(() => server.Site.GetSession(uid)));
    }

    [Fact]
    public void RedirectEscapesTheUrlInTheBody()
    {
        const string evil = "https://example.com/\"><script>alert(1)</script>";
        var root = new Resource();
        root.PutChild("r", new LambdaResource(get: r => r.Redirect(evil)));
        root.PutChild("split", new LambdaResource(get: r => r.Redirect("https://example.com/\r\nSet-Cookie: x=y")));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal(302, r.Status);
        Assert.Equal(evil, r.Header("Location"));
        Assert.DoesNotContain("<script>", r.Text);
        Assert.Contains("&quot;&gt;&lt;script&gt;", r.Text);
        var logged = LoggedErrors.Expect<ArgumentException>();
        c.Send("GET /split HTTP/1.1\r\nHost: x\r\n\r\n");
        var split = c.ReadResponse();
        Assert.Equal(500, split.Status);
        Assert.Null(split.Header("Set-Cookie"));
        Assert.Equal(1, logged.Count);
    }

    [Fact]
    public void HeaderValuesWithCrLfAreRefusedNeverSent()
    {
        var root = new Resource();
        root.PutChild("h", new LambdaResource(get: r =>
        {
            var e = Assert.Throws<ArgumentException>(() => r.SetHeader("X-User", "a\r\nInjected: yes"));
            Assert.Contains("refused", e.Message);
            Assert.Throws<ArgumentException>(() => r.SetHeader("Bad Name", "v"));
            Assert.Throws<ArgumentException>(() => r.SetHeader("X-Lf", "a\nb"));
            r.SetHeader("X-User", "fine");
            return "ok"u8.ToArray();
        }));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("GET /h HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal("fine", r.Header("X-User"));
        Assert.Null(r.Header("Injected"));
    }

    [Fact]
    public void ARenderThatThrowsIs500AndLogged()
    {
        var root = new Resource();
        root.PutChild("boom", new LambdaResource(get: r => throw new InvalidOperationException("boom")));
        root.PutChild("aboom", new LambdaResource(get: r => FailLater()));
        root.PutChild("ok", LambdaResource.Text("ok"));
        using var server = new SiteServer(root);
        var logged = LoggedErrors.Expect<InvalidOperationException>();
        using var c = server.Connect();
        c.Send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
        var r = c.ReadResponse();
        Assert.Equal(500, r.Status);
        Assert.DoesNotContain("boom", r.Text);
        using var c2 = server.Connect();
        c2.Send("GET /aboom HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(500, c2.ReadResponse().Status);
        Assert.Equal(2, logged.Count);
        using var c3 = server.Connect();
        c3.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("ok", c3.ReadResponse().Text);
    }

    private static async Task<byte[]> FailLater()
    {
        await Task.Yield();
        throw new InvalidOperationException("async boom");
    }

    [Fact]
    public void ClientAddressHostAndIsSecure()
    {
        var root = new Resource();
        root.PutChild("who", new LambdaResource(get: r =>
            Encoding.ASCII.GetBytes($"{((System.Net.IPEndPoint)r.GetClientAddress()).Address}|{r.GetRequestHostname()}|{r.IsSecure}|{r.ClientProto}|{r.Path}|{r.Uri}")));
        using var server = new SiteServer(root);
        using var c = server.Connect();
        c.Send("GET /who?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
        Assert.Equal("127.0.0.1|example.com|False|HTTP/1.1|/who|/who?x=1", c.ReadResponse().Text);
        c.Send("GET http://other.example/who HTTP/1.1\r\nHost: other.example\r\n\r\n");
        Assert.Equal("127.0.0.1|other.example|False|HTTP/1.1|/who|http://other.example/who", c.ReadResponse().Text);
    }
}
