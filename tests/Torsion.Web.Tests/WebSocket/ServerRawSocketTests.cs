using System.Net;
using System.Text;
using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// <see cref="WebSocketServerFactory"/> on a real port, driven by raw sockets: the handshake's answers,
/// echo, ping, the close handshake, and every violation closing only its own connection while another
/// keeps working.
/// </summary>
public sealed class ServerRawSocketTests : IDisposable
{
    private readonly ReactorThread _loop = new();
    private readonly List<EchoProtocol> _protocols = [];
    private readonly int _port;

    public ServerRawSocketTests()
    {
        _port = _loop.Call(() =>
        {
            var factory = new WebSocketServerFactory(_loop.Reactor, () =>
            {
                var p = new EchoProtocol();
                _protocols.Add(p);
                return p;
            }, new WebSocketOptions { MaxMessageSize = 1000, CloseTimeout = 5 });
            factory.Subprotocols.Add("chat.v2");
            factory.Subprotocols.Add("chat.v1");
            return ((IPEndPoint)_loop.Reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1").GetHost()).Port;
        });
    }

    public void Dispose() => _loop.Dispose();

    private EchoProtocol Protocol(int index) => _loop.Call(() => _protocols[index]);

    private static (int, string, bool) Wait(TaskCompletionSource<(int Code, string Reason, bool Clean)> closed)
    {
        Assert.True(closed.Task.Wait(TimeSpan.FromSeconds(60)), "OnClose was not called.");
        return closed.Task.Result;
    }

    /// <summary>A second connection that must keep working while the first one misbehaves.</summary>
    private void AssertAnotherConnectionEchoes()
    {
        using var other = new RawWebSocketClient(_port);
        other.Handshake();
        other.Send(Text("still here"));
        var (opcode, fin, payload) = other.ReadFrame();
        Assert.Equal((1, true, "still here"), (opcode, fin, Encoding.UTF8.GetString(payload)));
    }

    [Fact]
    public void EchoesTextAndBinaryAndAnswersPings()
    {
        using var client = new RawWebSocketClient(_port);
        var head = client.Handshake("/chat?room=1");
        Assert.Contains("Upgrade: websocket", head);
        client.Send(Concat(Text("héllo"), Frame(2, [1, 2, 3]), Frame(9, [9, 8])));
        var text = client.ReadFrame();
        Assert.Equal((1, true, "héllo"), (text.Opcode, text.Fin, Encoding.UTF8.GetString(text.Payload)));
        var binary = client.ReadFrame();
        Assert.Equal(2, binary.Opcode);
        Assert.Equal([1, 2, 3], binary.Payload);
        var pong = client.ReadFrame();
        Assert.Equal(10, pong.Opcode);
        Assert.Equal([9, 8], pong.Payload);
        Assert.Equal("/chat?room=1", _loop.Call(() => _protocols[0].Path));
    }

    [Fact]
    public void FramesInTheSamePacketAsTheRequestHeadAreHandedOn()
    {
        using var client = new RawWebSocketClient(_port);
        client.Send(Concat(Encoding.Latin1.GetBytes(RawWebSocketClient.Upgrade()), Text("early")));
        Assert.StartsWith("HTTP/1.1 101 ", client.ReadHead());
        Assert.Equal("early", Encoding.UTF8.GetString(client.ReadFrame().Payload));
    }

    [Fact]
    public void TheServersPreferredOfferedSubprotocolIsChosen()
    {
        using var client = new RawWebSocketClient(_port);
        client.Send(RawWebSocketClient.Upgrade(extra: "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n"));
        var head = client.ReadHead();
        Assert.Contains("Sec-WebSocket-Protocol: chat.v2\r\n", head);
        Assert.Equal("chat.v2", _loop.Call(() => _protocols[0].Subprotocol));
    }

    [Fact]
    public void AClientCloseIsEchoedThenTheServerClosesTcp()
    {
        using var client = new RawWebSocketClient(_port);
        client.Handshake();
        client.Send(Close(1000, "bye"));
        Assert.Equal(1000, client.ReadClose());
        Assert.True(client.ReadsEndOfStream());
        Assert.Equal((1000, "bye", true), Wait(Protocol(0).Closed));
    }

    [Fact]
    public void TheServerStartsTheCloseHandshake()
    {
        using var client = new RawWebSocketClient(_port);
        client.Handshake();
        client.Send(Text("close:4001:because"));
        var (opcode, _, payload) = client.ReadFrame();
        Assert.Equal(8, opcode);
        Assert.Equal(4001, payload[0] << 8 | payload[1]);
        Assert.Equal("because", Encoding.UTF8.GetString(payload, 2, payload.Length - 2));
        client.Send(Close(4001));
        Assert.True(client.ReadsEndOfStream());
        Assert.Equal((4001, "", true), Wait(Protocol(0).Closed));
    }

    [Fact]
    public void AnUnmaskedClientFrameGetsClose1002ThenTcpClose()
    {
        using var client = new RawWebSocketClient(_port);
        client.Handshake();
        client.Send(Frame(1, "naked"u8.ToArray(), mask: false));
        Assert.Equal(1002, client.ReadClose());
        Assert.True(client.ReadsEndOfStream());
        var (code, _, clean) = Wait(Protocol(0).Closed);
        Assert.Equal((1002, false), (code, clean));
        AssertAnotherConnectionEchoes();
    }

    [Fact]
    public void InvalidUtf8GetsClose1007()
    {
        using var client = new RawWebSocketClient(_port);
        client.Handshake();
        client.Send(Frame(1, [0x61, 0xED, 0xA0, 0x80]));
        Assert.Equal(1007, client.ReadClose());
        Assert.True(client.ReadsEndOfStream());
        AssertAnotherConnectionEchoes();
        Assert.Empty(_loop.Call(() => _protocols[0].Messages));
    }

    [Fact]
    public void AnOversizeMessageGetsClose1009BeforeItsPayloadIsSent()
    {
        using var client = new RawWebSocketClient(_port);
        client.Handshake();
        // Only the header of a 5000-byte frame: the server refuses from the header alone.
        client.Send(Frame(2, new byte[5000])[..8]);
        Assert.Equal(1009, client.ReadClose());
        Assert.True(client.ReadsEndOfStream());
        AssertAnotherConnectionEchoes();
    }

    [Fact]
    public void AReservedOpcodeAndABadCloseCodeGetClose1002()
    {
        using (var client = new RawWebSocketClient(_port))
        {
            client.Handshake();
            client.Send(Frame(5, []));
            Assert.Equal(1002, client.ReadClose());
            Assert.True(client.ReadsEndOfStream());
        }
        using (var client = new RawWebSocketClient(_port))
        {
            client.Handshake();
            client.Send(Close(1005));
            Assert.Equal(1002, client.ReadClose());
            Assert.True(client.ReadsEndOfStream());
        }
        AssertAnotherConnectionEchoes();
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // no key
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // key not 16 bytes
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // no Upgrade
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // no Connection
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", 426)] // no version
    [InlineData("GET / HTTP/1.1\nHost: x\n\n", 400)] // not even valid HTTP
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nabc", 400)]
    public void ABadHandshakeGetsAnHttpErrorAndTheConnectionCloses(string request, int status)
    {
        using (var client = new RawWebSocketClient(_port))
        {
            client.Send(request);
            var head = client.ReadHead();
            Assert.StartsWith($"HTTP/1.1 {status} ", head);
            if (status == 426)
            {
                Assert.Contains("Sec-WebSocket-Version: 13\r\n", head);
            }
            // The error body, then the end of the connection.
            var length = int.Parse(head.Split("Content-Length: ")[1].Split("\r\n")[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(length > 0);
        }
        Assert.Equal(0, _loop.Call(() => _protocols.Count));
        AssertAnotherConnectionEchoes();
    }

    [Fact]
    public void PausingTheProtocolStopsDeliveryUntilResumed()
    {
        using var client = new RawWebSocketClient(_port);
        client.Handshake();
        client.Send(Text("pause"));
        Assert.Equal("pause", Encoding.UTF8.GetString(client.ReadFrame().Payload));
        client.Send(Concat(Text("one"), Frame(9, [7])));
        Assert.True(client.QuietFor(500)); // paused: neither the echo nor the pong comes
        Assert.Equal(["pause"], _loop.Call(() => _protocols[0].Messages.ToList()));
        _loop.Call(() => _protocols[0].ResumeProducing());
        Assert.Equal("one", Encoding.UTF8.GetString(client.ReadFrame().Payload));
        Assert.Equal(10, client.ReadFrame().Opcode);
    }
}
