using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;
using Torsion.Web.Http;
using Torsion.Web.Server;
using Torsion.Web.Tests.Client;
using Torsion.Web.Tests.Server;
using WebClient = Torsion.Web.Client.WebClient;

namespace Torsion.Web.Tests.Http;

/// <summary>
/// The <c>Torsion.Web</c> activity source, seen by an <see cref="ActivityListener"/>: the Agent's client
/// activity is a child of the caller's, its <c>traceparent</c> reaches the server, and the server's
/// activity continues that trace, current while the resource renders. Without a listener nothing is sent.
/// Other tests' requests may be traced while the listener is attached; each test keeps only its own
/// trace (the root activity it starts).
/// </summary>
public sealed class WebTracingTests
{
    private sealed record Seen(string? TraceParent, ActivityTraceId? CurrentTrace);

    private static (Resource Root, ConcurrentQueue<Seen> Seen) Resources()
    {
        var seen = new ConcurrentQueue<Seen>();
        var root = new Resource();
        RenderResult Record(Request r, int code)
        {
            seen.Enqueue(new Seen(r.GetHeader("traceparent"), Activity.Current?.TraceId));
            r.SetResponseCode(code);
            return Encoding.ASCII.GetBytes("ok");
        }
        root.PutChild("hello", new LambdaResource(get: r => Record(r, 200)));
        root.PutChild("broken", new LambdaResource(get: r => Record(r, 503)));
        return (root, seen);
    }

    private static int Listen(IReactor reactor, Resource root) =>
        ((IPEndPoint)reactor.ListenTcp(0, new Site(root, new SiteOptions { AccessLog = false }, reactor), interfaceAddress: "127.0.0.1").GetHost()).Port;

    private static Deferred<int> Get(Agent agent, string url) =>
        agent.Request("GET", url).AddCallback(response => WebClient.ReadBody(response).AddCallback(_ => response.Code));

    [Fact]
    public void TheServerActivityContinuesTheClientsTrace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var (root, seen) = Resources();
        Activity? caller = null;
        var port = 0;
        var codes = ClientRun.Run(reactor =>
        {
            port = Listen(reactor, root);
            var agent = new Agent(reactor);
            // The caller's own activity: the Agent's becomes its child, and it stays the caller's current one.
            caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
            var first = Get(agent, $"http://127.0.0.1:{port}/hello");
            var second = Get(agent, $"http://127.0.0.1:{port}/broken");
            Assert.Same(caller, Activity.Current);
            caller.Stop();
            return first.AddCallback(a => second.AddCallback(b => (IReadOnlyList<int>)[a, b]));
        });
        Assert.Equal([200, 503], codes);
        var trace = caller!.TraceId;
        var mine = stopped.Where(a => a.TraceId == trace).ToList();
        var clients = mine.Where(a => a.Kind == ActivityKind.Client).OrderBy(a => a.StartTimeUtc).ToList();
        var servers = mine.Where(a => a.Kind == ActivityKind.Server).ToList();
        Assert.Equal(2, clients.Count);
        Assert.Equal(2, servers.Count);
        foreach (var client in clients)
        {
            Assert.Equal(caller.SpanId, client.ParentSpanId);
            Assert.Equal("GET", client.DisplayName);
            Assert.Equal("GET", client.GetTagItem("http.request.method"));
            Assert.Equal("127.0.0.1", client.GetTagItem("server.address"));
            Assert.Equal(port, client.GetTagItem("server.port"));
            // The server's activity is the client's child, across the wire.
            var server = Assert.Single(servers, s => s.ParentSpanId == client.SpanId);
            Assert.True(server.HasRemoteParent);
            Assert.Equal(client.GetTagItem("http.response.status_code"), server.GetTagItem("http.response.status_code"));
            Assert.Equal(port, server.GetTagItem("server.port"));
            Assert.Equal("GET", server.GetTagItem("http.request.method"));
            Assert.Equal("http", server.GetTagItem("url.scheme"));
            Assert.Equal("1.1", server.GetTagItem("network.protocol.version"));
        }
        Assert.Equal($"http://127.0.0.1:{port}/hello", clients[0].GetTagItem("url.full"));
        var hello = Assert.Single(servers, s => (string?)s.GetTagItem("url.path") == "/hello");
        var broken = Assert.Single(servers, s => (string?)s.GetTagItem("url.path") == "/broken");
        Assert.Equal(200, hello.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, hello.Status);
        Assert.Equal(503, broken.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, broken.Status);
        Assert.Equal("503", broken.GetTagItem("error.type"));
        // What the resources saw: the client's traceparent, and the server's activity current while rendering.
        var requests = seen.ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, s => Assert.Equal(trace, s.CurrentTrace));
        Assert.Equal(clients.Select(c => c.Id).Order(), requests.Select(s => s.TraceParent).Order());
    }

    [Fact]
    public void AFailedRequestEndsItsActivityWithTheError()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        Activity? caller = null;
        var error = ClientRun.Failure(reactor =>
        {
            var agent = new Agent(reactor);
            caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
            // A server that closes every connection at once: the request fails.
            var refusing = ((IPEndPoint)reactor.ListenTcp(0, Factory.ForProtocol(() => null!), interfaceAddress: "127.0.0.1").GetHost()).Port;
            var result = Get(agent, $"http://127.0.0.1:{refusing}/");
            caller.Stop();
            return result;
        });
        var client = Assert.Single(stopped, a => a.TraceId == caller!.TraceId);
        Assert.Equal(ActivityKind.Client, client.Kind);
        Assert.Equal(ActivityStatusCode.Error, client.Status);
        Assert.Equal(error.GetType().FullName, client.GetTagItem("error.type"));
    }

    [Fact]
    public void WithoutAListenerOrACurrentActivityNoTraceparentIsSent()
    {
        var (root, seen) = Resources();
        var code = ClientRun.Run(reactor =>
        {
            var port = Listen(reactor, root);
            Activity.Current = null;
            return Get(new Agent(reactor), $"http://127.0.0.1:{port}/hello");
        });
        Assert.Equal(200, code);
        var request = Assert.Single(seen);
        Assert.Null(request.TraceParent);
        Assert.Null(request.CurrentTrace);
    }
}
