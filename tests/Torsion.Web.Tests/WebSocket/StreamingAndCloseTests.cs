using System.Net;
using System.Text;
using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>Streaming delivery, the API's guards on close codes and sends, and the handshake timeout.</summary>
public sealed class StreamingAndCloseTests : IDisposable
{
    private readonly ReactorThread _loop = new();

    public void Dispose() => _loop.Dispose();

    private sealed class Streaming : WebSocketProtocol
    {
        public List<string> Events { get; } = [];

        protected override bool StreamMessages => true;

        protected override void OnMessageBegin(WebSocketOpcode opcode) => Events.Add("begin " + opcode);

        protected override void OnMessagePart(ReadOnlySpan<byte> data) => Events.Add("part " + data.Length);

        protected override void OnMessageComplete()
        {
            Events.Add("complete");
            SendText(string.Join(",", Events));
            Events.Clear();
        }

        protected override void OnTextMessage(string text) => Events.Add("whole (never with streaming)");
    }

    private int Listen(Func<WebSocketProtocol> make, WebSocketOptions? options = null) => _loop.Call(() =>
        ((IPEndPoint)_loop.Reactor.ListenTcp(0, new WebSocketServerFactory(_loop.Reactor, make, options), interfaceAddress: "127.0.0.1").GetHost()).Port);

    [Fact]
    public void StreamingDeliversPiecesWithoutGatheringTheMessage()
    {
        var port = Listen(() => new Streaming());
        using var client = new RawWebSocketClient(port);
        client.Handshake();
        client.Send(Concat(Frame(2, new byte[10], fin: false), Frame(0, new byte[20], fin: false), Frame(0, new byte[5])));
        Assert.Equal("begin Binary,part 10,part 20,part 5,complete", Encoding.UTF8.GetString(client.ReadFrame().Payload));
    }

    private sealed class Guarded : WebSocketProtocol
    {
        public List<string> Results { get; } = [];

        protected override void OnOpen()
        {
            foreach (var code in new[] { 1005, 1006, 1015, 999, 1004, 2000, 5000 })
            {
                try
                {
                    Close(code);
                    Results.Add($"{code} sent");
                }
                catch (ArgumentOutOfRangeException)
                {
                    Results.Add($"{code} refused");
                }
            }
            try
            {
                Close(1000, new string('x', 124));
            }
            catch (ArgumentException)
            {
                Results.Add("long reason refused");
            }
            try
            {
                Ping(new byte[126]);
            }
            catch (ArgumentException)
            {
                Results.Add("long ping refused");
            }
            Close(4000, "ok");
            Results.Add("after close: " + SendText("x") + " " + SendBinary([1]));
        }
    }

    [Fact]
    public void CodesThatMayNotBeSentAreRefusedAndNothingIsSentAfterClose()
    {
        Guarded? protocol = null;
        var port = Listen(() => protocol = new Guarded());
        using var client = new RawWebSocketClient(port);
        client.Handshake();
        Assert.Equal(4000, client.ReadClose());
        client.Send(Close(4000));
        Assert.True(client.ReadsEndOfStream());
        Assert.Equal(
            ["1005 refused", "1006 refused", "1015 refused", "999 refused", "1004 refused", "2000 refused", "5000 refused", "long reason refused", "long ping refused", "after close: False False"],
            _loop.Call(() => protocol!.Results.ToList()));
    }

    [Fact]
    public void APingBeforeTheConnectionClosesFailsWhenItCloses()
    {
        EchoProtocol? protocol = null;
        var port = Listen(() => protocol = new EchoProtocol());
        using var client = new RawWebSocketClient(port);
        client.Handshake();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() => protocol!.Ping([1, 2, 3]).AddErrback(f =>
        {
            failed.SetResult(f.Value);
            return default(Torsion.Defer.Unit);
        }));
        var (opcode, _, payload) = client.ReadFrame();
        Assert.Equal((9, "010203"), (opcode, Convert.ToHexString(payload)));
        client.Dispose(); // no pong: the connection just ends
        Assert.IsType<WebSocketClosedException>(Waits.For(failed.Task, "The ping's failure"));
        Assert.Equal((1006, false), Waits.For(protocol!.Closed.Task, "OnClose") is var c ? (c.Code, c.Clean) : default);
    }

    [Fact]
    public void AClientThatNeverFinishesItsHandshakeIsCutOff()
    {
        var port = Listen(() => new EchoProtocol(), new WebSocketOptions { HandshakeTimeout = 0.5 });
        using var client = new RawWebSocketClient(port);
        client.Send("GET / HTTP/1.1\r\nHost: x\r\n"); // and nothing more
        Assert.True(client.ReadsEndOfStream());
    }
}
