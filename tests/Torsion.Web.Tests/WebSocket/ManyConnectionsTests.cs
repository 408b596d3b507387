using System.Net;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>Many Torsion clients against one Torsion server at once, with a misbehaving raw client among them.</summary>
public sealed class ManyConnectionsTests : IDisposable
{
    private readonly ReactorThread _loop = new();

    public void Dispose() => _loop.Dispose();

    /// <summary>Sends its messages one after another, each on the echo of the previous, then closes.</summary>
    private sealed class Conversation(int id, int rounds, TaskCompletionSource<string> done) : WebSocketProtocol
    {
        private int _round;

        protected override void OnOpen() => Next();

        protected override void OnTextMessage(string text)
        {
            if (text != Message(_round))
            {
                done.TrySetResult($"{id}: round {_round} got a wrong echo");
                Abort();
                return;
            }
            _round++;
            Next();
        }

        protected override void OnClose(int code, string reason, bool wasClean) =>
            done.TrySetResult(_round == rounds && code == 1000 && wasClean ? "ok" : $"{id}: closed {code} clean={wasClean} after {_round} rounds");

        private string Message(int round) => $"{id}/{round}/" + new string((char)('a' + round % 26), (id * 997 + round * 131) % 20_000);

        private void Next()
        {
            if (_round == rounds)
            {
                Close(1000, "finished");
                return;
            }
            SendText(Message(_round));
        }
    }

    [Fact]
    public void FortyConversationsAtOnceAllCloseCleanly()
    {
        var servers = new List<EchoProtocol>();
        var port = _loop.Call(() => ((IPEndPoint)_loop.Reactor.ListenTcp(0, new WebSocketServerFactory(_loop.Reactor, () =>
        {
            var p = new EchoProtocol();
            servers.Add(p);
            return p;
        }, new WebSocketOptions { MaxOutgoingFrameSize = 4096 }), interfaceAddress: "127.0.0.1").GetHost()).Port);

        // A raw client that breaks the protocol in the middle of it all.
        using var rogue = new RawWebSocketClient(port);
        rogue.Handshake();

        var results = Enumerable.Range(0, 40).Select(_ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        _loop.Call(() =>
        {
            for (var i = 0; i < results.Length; i++)
            {
                var (id, done) = (i, results[i]);
                WebSocketClient.Connect(_loop.Reactor, new Uri($"ws://127.0.0.1:{port}/c{id}"), () => new Conversation(id, 20, done),
                        options: new WebSocketOptions { MaxOutgoingFrameSize = 1000 })
                    .AddErrback(f =>
                    {
                        done.TrySetResult($"{id}: {f.ErrorMessage}");
                        return (Conversation)null!;
                    });
            }
        });
        rogue.Send(FrameBuilder.Frame(1, [0xC0, 0x80])); // an overlong encoding
        Assert.Equal(1007, rogue.ReadClose());
        foreach (var result in results)
        {
            Assert.Equal("ok", Waits.For(result.Task, "A conversation"));
        }
        var closes = _loop.Call(() => servers.Select(s => s.Closed.Task).ToArray());
        Assert.Equal(41, closes.Length);
        Assert.Equal(40, closes.Count(c => Waits.For(c, "A server's OnClose") is (1000, "finished", true)));
    }
}
