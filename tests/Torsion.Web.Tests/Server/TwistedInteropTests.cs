using System.Text.Json;
using Torsion.TestSupport;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>Python Twisted's web client (<c>twisted.web.client.Agent</c>, Debian's python3-twisted) against a Torsion site.</summary>
public sealed class TwistedInteropTests
{
    [Fact]
    public void TwistedAgentTalksToATorsionSite()
    {
        var python = Peers.RequirePythonModule("twisted.web.client", "python3-twisted");
        SiteServer? self = null;
        var root = new Resource();
        root.PutChild("hello", LambdaResource.Text("Hello, World!"));
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        root.PutChild("chunked", new LambdaResource(get: r =>
        {
            r.Write("a,");
            self!.Reactor.CallLater(0.02, () =>
            {
                r.Write("b");
                r.Finish();
            });
            return RenderResult.NotDoneYet;
        }));
        using var server = new SiteServer(root);
        self = server;
        var script = Path.Combine(AppContext.BaseDirectory, "Server", "twisted_agent.py");
        var (code, stdout, stderr) = ProcessRunner.Run(python, [script, $"http://127.0.0.1:{server.Port}"]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var o = json.RootElement;
        Assert.Equal(200, o.GetProperty("hello1").GetProperty("code").GetInt32());
        Assert.Equal("Hello, World!", o.GetProperty("hello2").GetProperty("body").GetString());
        Assert.Equal(13, o.GetProperty("hello1").GetProperty("length").GetInt32());
        Assert.Equal(200, o.GetProperty("head").GetProperty("code").GetInt32());
        Assert.Equal("", o.GetProperty("head").GetProperty("body").GetString());
        Assert.True(o.GetProperty("echo").GetProperty("same").GetBoolean());
        Assert.Equal("a,b", o.GetProperty("chunked").GetProperty("body").GetString());
        Assert.Equal(404, o.GetProperty("missing").GetProperty("code").GetInt32());
        Assert.Equal("Torsion", o.GetProperty("server").GetString());
        Assert.Equal(6, server.Call(() => server.Site.RequestsServed));
    }
}
