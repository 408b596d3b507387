using System.Net;
using Torsion.Internet;

namespace Torsion.Testing.Tests;

public sealed class MemoryReactorUdpTests
{
    private sealed class Echo : DatagramProtocol
    {
        public int Starts { get; private set; }
        public int Stops { get; private set; }
        public override void StartProtocol() => Starts++;
        public override void StopProtocol() => Stops++;
        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from) => Transport.Write(data, from);
    }

    [Fact]
    public void RecordsListenUdpAndStartsTheProtocol()
    {
        var reactor = new MemoryReactor();
        var proto = new Echo();

        var port = reactor.ListenUdp(5353, proto, "127.0.0.1", maxPacketSize: 512);

        Assert.Equal(new UdpServerRecord(5353, proto, "127.0.0.1", 512, Multicast: false, ListenMultiple: false), Assert.Single(reactor.UdpServers));
        Assert.Same(port, Assert.Single(reactor.UdpPorts));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5353), port.GetHost());
        Assert.Same(port, proto.Transport);
        Assert.Equal(1, proto.Starts);
    }

    [Fact]
    public void DeliveredDatagramsAndWritesAreRecorded()
    {
        var reactor = new MemoryReactor();
        var proto = new Echo();
        reactor.ListenUdp(0, proto);
        var port = reactor.UdpPorts[0];
        var from = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1234);

        port.Receive("ping"u8, from);

        var (data, address) = Assert.Single(port.Written);
        Assert.Equal("ping"u8.ToArray(), data);
        Assert.Equal(from, address);
        Assert.Throws<InvalidOperationException>(() => port.Write("x"u8));
        port.StopListening();
        Assert.False(port.Listening);
        Assert.Equal(1, proto.Stops);
    }

    [Fact]
    public void RecordsListenMulticastAndMemberships()
    {
        var reactor = new MemoryReactor();
        var port = reactor.ListenMulticast(0, new Echo(), listenMultiple: true);

        Assert.True(reactor.UdpServers[0].Multicast);
        Assert.True(reactor.UdpServers[0].ListenMultiple);
        Assert.True(port.JoinGroup("239.1.2.3").Called);
        Assert.Contains(("239.1.2.3", ""), reactor.UdpPorts[0].Groups);
        Assert.True(port.LeaveGroup("239.1.2.3").Called);
        Assert.Empty(reactor.UdpPorts[0].Groups);
        port.TTL = 4;
        Assert.Equal(4, port.TTL);
    }
}
