using System.Net;
using System.Net.Sockets;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>Connected UDP: a filtered peer, writes without an address, and ICMP refusals.</summary>
public sealed class ConnectedUdpTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OnlyTheConnectedPeersDatagramsArriveAndWritesNeedNoAddress(string name)
    {
        var reactor = ReactorNames.Create(name);
        var connected = new Recorder();
        var peer = new Recorder();
        var stranger = new Recorder();
        EndPoint? peerHost = null, connectedHost = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, connected, "127.0.0.1");
            var peerPort = reactor.ListenUdp(0, peer, "127.0.0.1");
            var strangerPort = reactor.ListenUdp(0, stranger, "127.0.0.1");
            peerHost = peerPort.GetHost();
            connectedHost = port.GetHost();
            port.Connect("127.0.0.1", ((IPEndPoint)peerHost).Port);
            // Loopback delivers (or, for a connected socket, discards) inside the send, so the stranger's
            // datagram has met its fate before the peer's "end" arrives.
            strangerPort.Write("from stranger"u8, connectedHost);
            peerPort.Write("from peer"u8, connectedHost);
            peerPort.Write("end"u8, connectedHost);
            connected.OnDatagram = (self, data, _) =>
            {
                if (self.Received.Count == 2)
                {
                    self.Transport.Write("reply"u8);
                    // Naming the connected peer explicitly is allowed too.
                    self.Transport.Write("reply 2"u8, peerHost);
                }
            };
            peer.OnDatagram = (self, _, _) =>
            {
                if (self.Received.Count == 2)
                {
                    reactor.Stop();
                }
            };
        });
        Assert.Equal(["from peer", "end"], connected.Texts);
        Assert.All(connected.Received, r => Assert.Equal(peerHost, r.From));
        Assert.Equal(["reply", "reply 2"], peer.Texts);
        Assert.All(peer.Received, r => Assert.Equal(connectedHost, r.From));
        Assert.Equal(0, connected.Refusals);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WritingToAClosedPortReportsConnectionRefused(string name)
    {
        var reactor = ReactorNames.Create(name);
        var proto = new Recorder();
        var writes = 0;
        var stillStarted = false;
        ReactorRunner.Run(reactor, () =>
        {
            int closedPort;
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
            }
            var port = reactor.ListenUdp(0, proto, "127.0.0.1");
            port.Connect("127.0.0.1", closedPort);
            proto.OnRefused = () =>
            {
                // A refusal does not close the port: it still writes, and its protocol is still started.
                port.Write("still open"u8);
                stillStarted = proto.Transport == port;
                // That write (and the pokes in flight) can be refused again before the loop stops:
                // stop once, as a second Stop on a stopping reactor is an error (ReactorNotRunning).
                if (proto.Refusals == 1)
                {
                    reactor.Stop();
                }
            };
            // The refusal arrives as ICMP after the first datagram; the kernel reports it on the next
            // receive (readable/error event) or the next send. Keep writing until one of them does.
            void Poke()
            {
                if (proto.Refusals > 0)
                {
                    return;
                }
                writes++;
                port.Write("anyone there?"u8);
                if (proto.Refusals == 0)
                {
                    reactor.CallLater(0.05, Poke);
                }
            }
            Poke();
        });
        Assert.True(proto.Refusals >= 1);
        Assert.True(writes >= 1);
        Assert.True(stillStarted);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectRejectsNamesAndSecondConnects(string name)
    {
        var reactor = ReactorNames.Create(name);
        var proto = new Recorder();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, proto, "127.0.0.1");
            Assert.Throws<ArgumentException>(() => port.Connect("localhost", 9));
            port.Connect("127.0.0.1", 9);
            Assert.Throws<InvalidOperationException>(() => port.Connect("127.0.0.1", 10));
            // Connected to port 9: another destination is refused before anything is sent.
            Assert.Throws<InvalidOperationException>(() => port.Write("x"u8, new IPEndPoint(IPAddress.Loopback, 10)));
            reactor.Stop();
        });
    }
}
