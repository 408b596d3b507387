using System.Net;
using System.Text;
using Torsion.TestSupport;
using Torsion.Web.Http;
using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>permessage-deflate (RFC 7692): the RSV1 rule, the codec, the negotiation, and interop with ws and wsproto.</summary>
public sealed class DeflateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-ws-deflate").FullName;
    private readonly ReactorThread _loop = new();

    public void Dispose()
    {
        _loop.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static List<string> RunCompressed(byte[] input)
    {
        var handler = new RecordingFrameHandler();
        var parser = new WebSocketFrameParser(handler, WebSocketRole.Server, 1 << 20, allowCompression: true);
        var status = parser.Parse(input, out _);
        handler.Events.Add(status == WebSocketParseStatus.Error ? $"error {parser.ErrorCode}" : $"{status} compressed={parser.IsMessageCompressed}");
        return handler.Events;
    }

    [Fact]
    public void Rsv1IsAllowedOnlyOnAMessagesFirstFrameAndOnlyWhenNegotiated()
    {
        // The RFC 7692 §7.2.3.1 example: "Hello" compressed, with invalid UTF-8 on the wire (not checked: it is compressed).
        byte[] hello = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
        Assert.Equal(["start Text", "data " + Convert.ToHexString(hello), "end", "NeedMoreData compressed=True"], Merge(RunCompressed(Frame(1, hello, rsv: 4))));
        Assert.Equal(["error 1002"], Run(Frame(1, hello, rsv: 4), [])); // not negotiated
        Assert.Equal(["error 1002"], RunCompressed(Frame(9, [], rsv: 4)));
        Assert.Equal(["error 1002"], RunCompressed(Frame(1, "x"u8.ToArray(), rsv: 2)));
        var events = RunCompressed(Concat(Frame(1, hello, fin: false, rsv: 4), Frame(0, [], rsv: 4)));
        Assert.Equal("error 1002", events[^1]);
    }

    [Fact]
    public void TheCodecRoundTripsAndInflatesTheRfcExample()
    {
        Assert.Equal(0, PerMessageDeflate.Inflate([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], 100, out var output, out var length));
        Assert.Equal("Hello", Encoding.UTF8.GetString(output, 0, length));
        var random = new Random(7692);
        foreach (var size in new[] { 0, 1, 100, 70_000, 1_000_000 })
        {
            var data = Enumerable.Range(0, size).Select(i => (byte)(random.Next(4) == 0 ? random.Next(256) : 'a')).ToArray();
            var compressed = PerMessageDeflate.Compress(data, out var n);
            Assert.Equal(0, PerMessageDeflate.Inflate(compressed.AsSpan(0, n), size, out var back, out var backLength));
            Assert.Equal(data, back.AsSpan(0, backLength).ToArray());
        }
    }

    [Fact]
    public void ABombStopsAtTheLimitAndGarbageIsInvalid()
    {
        var zeros = new byte[20_000_000];
        var compressed = PerMessageDeflate.Compress(zeros, out var n);
        Assert.True(n < 100_000);
        Assert.Equal(WebSocketCloseCodes.MessageTooBig, PerMessageDeflate.Inflate(compressed.AsSpan(0, n), 1_000_000, out _, out _));
        Assert.Equal(WebSocketCloseCodes.InvalidPayload, PerMessageDeflate.Inflate([0xFF, 0xFF, 0xFF, 0x00, 0x12], 1000, out _, out _));
    }

    [Theory]
    [InlineData("permessage-deflate", true)]
    [InlineData("permessage-deflate; client_max_window_bits", true)]
    [InlineData("permessage-deflate; client_max_window_bits=10; server_no_context_takeover", true)]
    [InlineData("permessage-deflate; server_max_window_bits=15", true)]
    [InlineData("permessage-deflate; server_max_window_bits=10", false)] // a smaller window than this end compresses with
    [InlineData("permessage-deflate; server_max_window_bits=10, permessage-deflate", true)] // the fallback offer
    [InlineData("permessage-deflate; client_no_context_takeover; client_no_context_takeover", false)]
    [InlineData("permessage-deflate; unknown", false)]
    [InlineData("x-webkit-deflate-frame", false)]
    public void OffersAreAcceptedOnlyWhenTheyCanBeHonoured(string offer, bool accepted)
    {
        var headers = new Headers
        {
            { "Host", "x" }, { "Upgrade", "websocket" }, { "Connection", "Upgrade" },
            { "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==" }, { "Sec-WebSocket-Version", "13" }, { "Sec-WebSocket-Extensions", offer },
        };
        var result = WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, headers, perMessageDeflate: true);
        Assert.Equal(accepted, result.PerMessageDeflate);
        Assert.Equal(accepted ? "permessage-deflate; server_no_context_takeover; client_no_context_takeover" : null, result.ResponseHeaders.Get("Sec-WebSocket-Extensions"));
        Assert.False(WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, headers).PerMessageDeflate);
    }

    private int ListenEcho(List<EchoProtocol> protocols) => _loop.Call(() =>
    {
        var factory = new WebSocketServerFactory(_loop.Reactor, () =>
        {
            var p = new EchoProtocol();
            protocols.Add(p);
            return p;
        }, new WebSocketOptions { PerMessageDeflate = true, MaxOutgoingFrameSize = 100_000 });
        factory.Subprotocols.Add("chat.v1");
        return ((IPEndPoint)_loop.Reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1").GetHost()).Port;
    });

    private string Script(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void AWsClientWithDeflateTalksToTheTorsionServer()
    {
        var node = Peers.RequireNodeModule("ws", "node-ws");
        var protocols = new List<EchoProtocol>();
        var port = ListenEcho(protocols);
        using var client = new PeerProcess(node, Script("client.js", NodeWsTests.Client), $"ws://127.0.0.1:{port}/z");
        var (lines, exit) = client.ReadToExit();
        Assert.True(exit == 0, string.Join("\n", lines) + client.Errors);
        Assert.Equal("OPEN chat.v1 permessage-deflate", lines[0]); // ws prints the names of the agreed extensions
        Assert.Equal(["TEXT hello from node", "BINARY 3145728 true", "TEXT frag-mented"], lines.Where(l => l.StartsWith("TEXT", StringComparison.Ordinal) || l.StartsWith("BINARY", StringComparison.Ordinal)));
        Assert.Equal("CLOSE 4000 ", lines[^1]);
        var server = _loop.Call(() => protocols.Single());
        Assert.True(_loop.Call(() => server.PerMessageDeflate));
        Assert.Equal((4000, "done", true), Waits.For(server.Closed.Task, "The server's OnClose"));
    }

    [Fact]
    public void TheTorsionClientWithDeflateTalksToAWsServer()
    {
        var node = Peers.RequireNodeModule("ws", "node-ws");
        using var server = new PeerProcess(node, Script("server.js", NodeWsTests.EchoServer), "deflate");
        var port = int.Parse(server.ReadLine().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var connected = new TaskCompletionSource<RecordingClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() => WebSocketClient.Connect(_loop.Reactor, new Uri($"ws://127.0.0.1:{port}/d"), () => new RecordingClient(),
                options: new WebSocketOptions { PerMessageDeflate = true, MaxOutgoingFrameSize = 5000 })
            .AddCallbacks(p =>
            {
                connected.SetResult(p);
                return 0;
            }, f =>
            {
                connected.SetException(f.Value);
                return 0;
            }));
        var client = Waits.For(connected.Task, "The connection");
        Assert.StartsWith("CONNECTED /d  permessage-deflate", server.ReadLine());
        Assert.True(_loop.Call(() => client.PerMessageDeflate));
        var text = string.Concat(Enumerable.Repeat("compressible text, ", 20_000)); // ws compresses messages over 1 KiB
        _loop.Call(() => client.SendText(text));
        Assert.Equal(text, RecordingClient.Take(client.Texts));
        _loop.Call(() => client.SendText("short"));
        Assert.Equal("short", RecordingClient.Take(client.Texts));
        _loop.Call(() => client.Close());
        Assert.Equal((1000, "", true), client.WaitClosed());
    }

    private const string WsprotoClient = """
        import socket, sys
        from wsproto import WSConnection, ConnectionType
        from wsproto.extensions import PerMessageDeflate
        from wsproto.events import Request, AcceptConnection, TextMessage, BytesMessage, CloseConnection
        sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
        ws = WSConnection(ConnectionType.CLIENT)
        queue = []
        def send(event): sock.sendall(ws.send(event))
        def next_event():
            while not queue:
                data = sock.recv(65536)
                ws.receive_data(data or None)
                queue.extend(ws.events())
            return queue.pop(0)
        def message():
            event = next_event()
            parts = [event.data]
            while not event.message_finished:
                event = next_event()
                parts.append(event.data)
            return ("" if isinstance(event, TextMessage) else b"").join(parts)
        send(Request(host="127.0.0.1", target="/", extensions=[PerMessageDeflate()]))
        event = next_event()
        print("ACCEPT", [e.name for e in event.extensions], flush=True)
        text = "wsproto deflate " * 5000
        send(TextMessage(data=text))
        print("TEXT", message() == text, flush=True)
        send(BytesMessage(data=b"\x00" * 300000))
        print("BYTES", message() == b"\x00" * 300000, flush=True)
        send(CloseConnection(code=1000))
        print("CLOSE", next_event().code, flush=True)
        """;

    [Fact]
    public void AWsprotoClientWithDeflateTalksToTheTorsionServer()
    {
        var python = Peers.RequirePythonModule("wsproto", "python3-wsproto");
        var protocols = new List<EchoProtocol>();
        var port = ListenEcho(protocols);
        using var client = new PeerProcess(python, Script("client.py", WsprotoClient), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (lines, exit) = client.ReadToExit();
        Assert.True(exit == 0, string.Join("\n", lines) + client.Errors);
        Assert.Equal(["ACCEPT ['permessage-deflate']", "TEXT True", "BYTES True", "CLOSE 1000"], lines);
        Assert.True(_loop.Call(() => protocols.Single().PerMessageDeflate));
    }

    [Fact]
    public void ACompressedBombIsClosedWith1009()
    {
        var protocols = new List<EchoProtocol>();
        var port = _loop.Call(() => ((IPEndPoint)_loop.Reactor.ListenTcp(0, new WebSocketServerFactory(_loop.Reactor, () =>
        {
            var p = new EchoProtocol();
            protocols.Add(p);
            return p;
        }, new WebSocketOptions { PerMessageDeflate = true, MaxMessageSize = 100_000 }), interfaceAddress: "127.0.0.1").GetHost()).Port);
        using var client = new RawWebSocketClient(port);
        var head = client.Handshake(extra: "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        Assert.Contains("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n", head);
        var bomb = PerMessageDeflate.Compress(new byte[5_000_000], out var n);
        client.Send(Frame(2, bomb[..n], rsv: 4)); // 5 MB of zeros in a few KiB
        Assert.Equal(1009, client.ReadClose());
        Assert.True(client.ReadsEndOfStream());
    }
}
