using System.Net;
using System.Security.Cryptography;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;
using Torsion.Web.Server;
using Torsion.Web.Tests.Client;
using Torsion.Web.Tests.Server;
using WebClient = Torsion.Web.Client.WebClient;

namespace Torsion.Web.Tests.EndToEnd;

/// <summary>
/// Torsion's client against Torsion's server on one reactor: the pool reuses the site's keep-alive
/// connection, a chunked upload of unknown length streams into a resource that reads it as it comes,
/// HEAD has a length and no body, redirects and error statuses reach GetPage.
/// </summary>
public sealed class ClientServerTests
{
    private sealed record Served(Site Site, int Port, HashSet<int> ClientPorts)
    {
        public string Url(string path) => $"http://127.0.0.1:{Port}{path}";
    }

    private static Served Serve(IReactor reactor)
    {
        var clientPorts = new HashSet<int>();
        var root = new Resource();
        root.PutChild("hello", new LambdaResource(get: r =>
        {
            clientPorts.Add(((IPEndPoint)r.GetClientAddress()).Port);
            r.SetHeader("Content-Type", "text/plain");
            return Encoding.ASCII.GetBytes("hello " + r.GetArg("n"));
        }));
        root.PutChild("digest", new LambdaResource(post: r => Digest(r), streams: true));
        root.PutChild("old", new LambdaResource(get: r => r.Redirect("/hello?n=moved")));
        var site = new Site(root, new SiteOptions { AccessLog = false }, reactor);
        var port = ((IPEndPoint)reactor.ListenTcp(0, site, interfaceAddress: "127.0.0.1").GetHost()).Port;
        return new Served(site, port, clientPorts);
    }

    private static async Task<byte[]> Digest(Request request)
    {
        var body = await request.Body.ReadAllAsync();
        return Encoding.ASCII.GetBytes($"{body.Length} {Convert.ToHexString(SHA256.HashData(body))}");
    }

    [Fact]
    public void ThePoolReusesTheSitesKeepAliveConnection()
    {
        Served? served = null;
        var bodies = ClientRun.Run(reactor =>
        {
            served = Serve(reactor);
            var agent = new Agent(reactor);
            return Sequential(agent, served, 20);
        });
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "hello " + i), bodies);
        Assert.Single(served!.ClientPorts);
        Assert.Equal(20, served.Site.RequestsServed);
    }

    private static async Deferred<List<string>> Sequential(Agent agent, Served served, int count)
    {
        var bodies = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var response = await agent.Request("GET", served.Url("/hello?n=" + i));
            Assert.Equal(200, response.Code);
            bodies.Add(Encoding.ASCII.GetString(await WebClient.ReadBody(response)));
        }
        return bodies;
    }

    [Fact]
    public void AnUploadOfUnknownLengthIsChunkedAndStreamedIntoTheResource()
    {
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(6455).NextBytes(data);
        var answer = ClientRun.Run(reactor =>
        {
            var served = Serve(reactor);
            var agent = new Agent(reactor);
            return agent.Request("POST", served.Url("/digest"), bodyProducer: new StreamBodyProducer(reactor, new OneWayStream(data)))
                .AddCallback(response => WebClient.ReadBody(response));
        });
        Assert.Equal($"{data.Length} {Convert.ToHexString(SHA256.HashData(data))}", Encoding.ASCII.GetString(answer));
    }

    [Fact]
    public void HeadHasTheLengthOfGetAndNoBody()
    {
        var (code, length, body) = ClientRun.Run(reactor => Head(new Agent(reactor), Serve(reactor).Url("/hello?n=7")));
        Assert.Equal(200, code);
        Assert.Equal("hello 7".Length.ToString(System.Globalization.CultureInfo.InvariantCulture), length);
        Assert.Empty(body);
    }

    private static async Deferred<(int, string?, byte[])> Head(Agent agent, string url)
    {
        var response = await agent.Request("HEAD", url);
        return (response.Code, response.Headers.Get("Content-Length"), await WebClient.ReadBody(response));
    }

    [Fact]
    public void GetPageFollowsTheSitesRedirectAndFailsOnItsNotFound()
    {
        var page = ClientRun.Run(reactor => WebClient.GetPage(reactor, Serve(reactor).Url("/old")));
        Assert.Equal("hello moved", Encoding.ASCII.GetString(page));
        var error = Assert.IsType<HttpErrorException>(ClientRun.Failure(reactor => WebClient.GetPage(reactor, Serve(reactor).Url("/nothing"))));
        Assert.Equal(404, error.Status);
    }
}
