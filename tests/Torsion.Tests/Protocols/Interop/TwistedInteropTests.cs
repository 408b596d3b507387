using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Protocols.Interop;

/// <summary>
/// Torsion's framing protocols (LineReceiver, LineOnlyReceiver, NetstringReceiver, Int32/16/8StringReceiver)
/// against Python Twisted's own (Debian's python3-twisted), both ways:
/// a Torsion server with a Twisted client, and a Twisted server with a Torsion client. Every message
/// is answered with "ack:" + the message, so each side's parser and sender are checked by the other.
/// </summary>
public sealed class TwistedInteropTests
{
    public static TheoryData<string, string> ModesAndReactors
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var mode in new[] { "lines", "lineonly", "netstrings", "int32", "int16", "int8" })
            {
                foreach (var info in Reactors.Available)
                {
                    data.Add(mode, info.Name);
                }
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(ModesAndReactors))]
    public void TorsionServerAnswersATwistedClient(string mode, string reactorName)
    {
        TwistedPeer.Require();
        var messages = Messages(mode);
        var file = TwistedPeer.WriteMessages(messages);
        var reactor = ReactorNames.Create(reactorName);
        var received = new List<string>();
        Failure? lost = null;
        ChildProcess? peer = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var handler = new Handler
                {
                    Message = (p, m) =>
                    {
                        received.Add(Convert.ToHexStringLower(m));
                        p.Send([.. "ack:"u8, .. m]);
                    },
                    Lost = reason =>
                    {
                        lost = reason;
                        reactor.Stop();
                    },
                };
                var port = reactor.ListenTcp(0, Factory.ForProtocol(() => Make(mode, handler)), interfaceAddress: "127.0.0.1");
                var portNumber = ((System.Net.IPEndPoint)port.GetHost()).Port;
                peer = TwistedPeer.Start("twisted_client.py", mode, portNumber.ToString(), file);
                TwistedPeer.StopIfExits(reactor, peer);
            }, timeout: 60);
            var exitCode = peer!.WaitForExit();
            var got = TwistedPeer.ReadUntilDone(peer);
            Assert.Equal(messages.Select(Convert.ToHexStringLower), received);
            Assert.Equal(messages.Select(m => Convert.ToHexStringLower([.. "ack:"u8, .. m])), got);
            Assert.IsType<ConnectionDone>(lost!.Value);
            Assert.Equal(0, exitCode);
        }
        finally
        {
            peer?.Dispose();
            File.Delete(file);
        }
    }

    [Theory, MemberData(nameof(ModesAndReactors))]
    public void TorsionClientTalksToATwistedServer(string mode, string reactorName)
    {
        var messages = Messages(mode);
        var reactor = ReactorNames.Create(reactorName);
        var acks = new List<string>();
        Failure? failed = null;
        using var peer = TwistedPeer.Start("twisted_server.py", mode);
        var port = TwistedPeer.WaitForPort(peer);
        ReactorRunner.Run(reactor, () =>
        {
            var handler = new Handler
            {
                Made = p =>
                {
                    foreach (var m in messages) p.Send(m);
                },
                Message = (p, m) =>
                {
                    acks.Add(Convert.ToHexStringLower(m));
                    if (acks.Count == messages.Length) p.Transport.LoseConnection();
                },
                Lost = _ => reactor.Stop(),
            };
            var factory = new FailFastClientFactory(() => Make(mode, handler), reason =>
            {
                failed = reason;
                reactor.Stop();
            });
            reactor.ConnectTcp("127.0.0.1", port, factory, timeout: 10);
        }, timeout: 60);
        Assert.Null(failed);
        var exitCode = peer.WaitForExit();
        var got = TwistedPeer.ReadUntilDone(peer);
        Assert.Equal(messages.Select(Convert.ToHexStringLower), got);
        Assert.Equal(messages.Select(m => Convert.ToHexStringLower([.. "ack:"u8, .. m])), acks);
        Assert.Equal(0, exitCode);
    }

    /// <summary>
    /// Messages each framing must carry. Lines avoid "\r\n" but include a lone "\n" and the longest
    /// line Twisted accepts once "ack:" is added: 16384 bytes (its MAX_LENGTH, and Torsion's) for
    /// LineReceiver, one less for LineOnlyReceiver, which gives up when a full-length line's "\r"
    /// arrives before its "\n". Int8 and Int16 strings stop at 255 and 65535 bytes, "ack:" included,
    /// and each set reaches its limit.
    /// </summary>
    private static byte[][] Messages(string mode)
    {
        if (mode is "lines" or "lineonly")
        {
            return
            [
                "hello"u8.ToArray(), [], Encoding.UTF8.GetBytes("h\u00e9llo w\u00f6rld"), "a\nb"u8.ToArray(),
                "tab\tand trailing space "u8.ToArray(), Encoding.ASCII.GetBytes(new string('L', 10_000)),
                Encoding.ASCII.GetBytes(new string('M', mode == "lines" ? 16_380 : 16_379)),
            ];
        }
        if (mode == "int8")
        {
            return
            [
                "hello"u8.ToArray(), [], [0, 255, 13, 10], "3:abc,"u8.ToArray(),
                [.. Enumerable.Range(0, 251).Select(i => (byte)(i * 7))],
            ];
        }
        // For Int16 the largest is 65535 bytes once "ack:" is added: a full prefix.
        var big = new byte[mode == "int16" ? 65_531 : 60_000];
        for (var i = 0; i < big.Length; i++) big[i] = (byte)(i * 7);
        return
        [
            "hello"u8.ToArray(), [], [0, 255, 13, 10], "3:abc,"u8.ToArray(),
            [.. Enumerable.Range(0, 256).Select(i => (byte)i)], big,
        ];
    }

    /// <summary>What the framed protocols report to the test.</summary>
    private sealed class Handler
    {
        public Action<IFramed>? Made { get; init; }
        public required Action<IFramed, byte[]> Message { get; init; }
        public required Action<Failure> Lost { get; init; }
    }

    private interface IFramed
    {
        ITransport Transport { get; }
        void Send(ReadOnlySpan<byte> data);
    }

    private static IProtocol Make(string mode, Handler handler) => mode switch
    {
        "lines" => new LinePeer(handler),
        "lineonly" => new LineOnlyPeer(handler),
        "netstrings" => new NetstringPeer(handler),
        "int32" => new Int32Peer(handler),
        "int16" => new Int16Peer(handler),
        "int8" => new Int8Peer(handler),
        _ => throw new ArgumentException($"unknown framing {mode}", nameof(mode)),
    };

    private sealed class LinePeer(Handler handler) : LineReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void LineReceived(ReadOnlySpan<byte> line) => handler.Message(this, line.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendLine(data);
    }

    private sealed class LineOnlyPeer(Handler handler) : LineOnlyReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void LineReceived(ReadOnlySpan<byte> line) => handler.Message(this, line.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendLine(data);
    }

    private sealed class NetstringPeer(Handler handler) : NetstringReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void StringReceived(ReadOnlySpan<byte> data) => handler.Message(this, data.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendString(data);
    }

    private sealed class Int32Peer(Handler handler) : Int32StringReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void StringReceived(ReadOnlySpan<byte> data) => handler.Message(this, data.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendString(data);
    }

    private sealed class Int16Peer(Handler handler) : Int16StringReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void StringReceived(ReadOnlySpan<byte> data) => handler.Message(this, data.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendString(data);
    }

    private sealed class Int8Peer(Handler handler) : Int8StringReceiver, IFramed
    {
        public override void ConnectionMade() => handler.Made?.Invoke(this);
        public override void StringReceived(ReadOnlySpan<byte> data) => handler.Message(this, data.ToArray());
        public override void ConnectionLost(Failure reason) => handler.Lost(reason);
        public void Send(ReadOnlySpan<byte> data) => SendString(data);
    }

    private sealed class FailFastClientFactory(Func<IProtocol> make, Action<Failure> failed) : ClientFactory(make)
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }
}
