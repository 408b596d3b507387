using System.Net;
using Torsion.Internet;
using Torsion.Tests.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Protocols.Interop;

/// <summary>
/// UDP against Python Twisted, both ways: a Torsion <see cref="DatagramProtocol"/> answering a
/// Twisted DatagramProtocol client, and a Torsion client of a Twisted DatagramProtocol echo. Every
/// datagram is answered with "ack:" + the datagram; the sender sends again what was not answered
/// within 0.2 s (UDP may drop, even on loopback), so both sides compare distinct datagrams.
/// </summary>
public sealed class TwistedUdpInteropTests
{
    // An empty datagram is a datagram too; the largest stays under the default 8192-byte buffer once "ack:" is added.
    private static readonly byte[][] Messages =
        ["hello"u8.ToArray(), [], [0, 255, 13, 10], [.. Enumerable.Range(0, 8000).Select(i => (byte)(i * 7))]];

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TorsionDatagramProtocolAnswersATwistedClient(string name)
    {
        TwistedPeer.Require();
        var reactor = ReactorNames.Create(name);
        var file = TwistedPeer.WriteMessages(Messages);
        var server = new Acker();
        ChildProcess? peer = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var port = reactor.ListenUdp(0, server, "127.0.0.1");
                peer = TwistedPeer.Start("twisted_udp.py", "client", ((IPEndPoint)port.GetHost()).Port.ToString(), file);
                TwistedPeer.StopIfExits(reactor, peer);
            }, timeout: 60);
            var exitCode = peer!.WaitForExit();
            Assert.True(exitCode == 0, peer.Output);
            Assert.Equal(Sorted(Messages.Select(Convert.ToHexStringLower)), Sorted(server.Received));
            Assert.Equal(Sorted(Messages.Select(Acked)), Sorted(TwistedPeer.ReadUntilDone(peer)));
        }
        finally
        {
            peer?.Dispose();
            File.Delete(file);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TorsionClientTalksToATwistedDatagramEcho(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var peer = TwistedPeer.Start("twisted_udp.py", "server", Messages.Length.ToString());
        var port = TwistedPeer.WaitForPort(peer);
        var client = new Sender(new IPEndPoint(IPAddress.Loopback, port), reactor);
        ReactorRunner.Run(reactor, () => reactor.ListenUdp(0, client, "127.0.0.1"), timeout: 60);
        Assert.Equal(Sorted(Messages.Select(Acked)), Sorted(client.Acks));
        var exitCode = peer.WaitForExit();
        Assert.True(exitCode == 0, peer.Output);
        Assert.Equal(Sorted(Messages.Select(Convert.ToHexStringLower)), Sorted(TwistedPeer.ReadUntilDone(peer)));
    }

    private static string Acked(byte[] m) => Convert.ToHexStringLower([.. "ack:"u8, .. m]);

    private static List<string> Sorted(IEnumerable<string> items) => [.. items.Order(StringComparer.Ordinal)];

    /// <summary>Answers every datagram with "ack:" + it; records each distinct one.</summary>
    private sealed class Acker : DatagramProtocol
    {
        public HashSet<string> Received { get; } = [];

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from)
        {
            Received.Add(Convert.ToHexStringLower(data));
            Transport.Write([.. "ack:"u8, .. data], from);
        }
    }

    /// <summary>Sends every message, again every 0.2 s until answered; stops the reactor once all are.</summary>
    private sealed class Sender(EndPoint server, IReactor reactor) : DatagramProtocol
    {
        private readonly Dictionary<string, byte[]> _waiting = Messages.ToDictionary(Acked);
        private IDelayedCall? _resend;

        public List<string> Acks { get; } = [];

        public override void StartProtocol() => Send();

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from)
        {
            var hex = Convert.ToHexStringLower(data);
            if (!_waiting.Remove(hex)) return;
            Acks.Add(hex);
            if (_waiting.Count == 0)
            {
                _resend?.Cancel();
                reactor.Stop();
            }
        }

        private void Send()
        {
            foreach (var m in _waiting.Values) Transport.Write(m, server);
            _resend = reactor.CallLater(0.2, Send);
        }
    }
}
