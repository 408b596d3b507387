using Torsion.TestSupport;
using Torsion.Web.Server;
using Torsion.Web.Tests.Server;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// <see cref="WebSocketResource"/> in a <see cref="Site"/>'s tree: Node's ws talks to it through the
/// server's upgrade seam, a plain GET gets the handshake's error answer on a connection that stays
/// usable, and the rest of the site keeps serving.
/// </summary>
public sealed class ResourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-ws-resource").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Resource Root, List<EchoProtocol> Protocols, List<string> Paths) Tree()
    {
        var protocols = new List<EchoProtocol>();
        var paths = new List<string>();
        var chat = new WebSocketResource(request =>
        {
            paths.Add(request.Path);
            var p = new EchoProtocol();
            protocols.Add(p);
            return p;
        }, new WebSocketOptions { MaxOutgoingFrameSize = 64 * 1024 });
        chat.Subprotocols.Add("chat.v1");
        var root = new Resource();
        root.PutChild("chat", chat);
        root.PutChild("hello", LambdaResource.Text("hello"));
        return (root, protocols, paths);
    }

    [Fact]
    public void AWsClientTalksThroughTheResource()
    {
        var node = Peers.RequireNodeModule("ws", "node-ws");
        var (root, protocols, paths) = Tree();
        using var site = new SiteServer(root);
        var script = Path.Combine(_dir, "client.js");
        File.WriteAllText(script, NodeWsTests.Client);
        using var client = new PeerProcess(node, script, $"ws://127.0.0.1:{site.Port}/chat/room");
        var (lines, exit) = client.ReadToExit();
        Assert.True(exit == 0, string.Join("\n", lines) + client.Errors);
        Assert.Equal("OPEN chat.v1", lines[0]);
        Assert.Equal(["TEXT hello from node", "BINARY 3145728 true", "TEXT frag-mented"], lines.Where(l => l.StartsWith("TEXT", StringComparison.Ordinal) || l.StartsWith("BINARY", StringComparison.Ordinal)));
        Assert.Contains("PONG pp", lines);
        Assert.Equal("CLOSE 4000 ", lines[^1]);
        var server = site.Call(() => protocols.Single());
        Assert.Equal((4000, "done", true), Waits.For(server.Closed.Task, "The server's OnClose"));
        Assert.Equal(["hello from node", "binary 3145728", "frag-mented"], site.Call(() => server.Messages.ToList()));
        Assert.Equal(["/chat/room"], site.Call(() => paths.ToList()));
        Assert.Equal(1, site.Call(() => site.Site.RequestsServed));
    }

    [Fact]
    public void APlainGetIsRefusedAndTheConnectionKeepsServing()
    {
        var (root, protocols, _) = Tree();
        using var site = new SiteServer(root);
        using var raw = site.Connect();
        raw.Send("GET /chat HTTP/1.1\r\nHost: x\r\n\r\n");
        var refused = raw.ReadResponse();
        Assert.Equal(400, refused.Status);
        raw.Send("GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
        var wrongVersion = raw.ReadResponse();
        Assert.Equal(426, wrongVersion.Status);
        Assert.Equal("13", wrongVersion.Header("Sec-WebSocket-Version"));
        raw.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        var hello = raw.ReadResponse();
        Assert.Equal(200, hello.Status);
        Assert.Equal("hello", hello.Text);
        Assert.Empty(site.Call(() => protocols.ToList()));
    }

    [Fact]
    public void TheRfcSampleKeyIsAcceptedWithItsAcceptValue()
    {
        var (root, protocols, _) = Tree();
        using var site = new SiteServer(root);
        using var raw = site.Connect();
        raw.Send("GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        var head = System.Text.Encoding.Latin1.GetString(raw.ReadUntil("\r\n\r\n"u8));
        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        // RFC 6455 §1.3's worked example.
        Assert.True(head.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", StringComparison.OrdinalIgnoreCase), head);
        Waits.For(site.Call(() => protocols.Single()).Opened.Task, "OnOpen");
    }
}
