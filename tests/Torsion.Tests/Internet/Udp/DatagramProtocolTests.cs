using System.Net;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet.Udp;

/// <summary>DatagramProtocol's start/stop counting, without a real socket.</summary>
public sealed class DatagramProtocolTests
{
    [Fact]
    public void TransportThrowsUntilStarted()
    {
        var proto = new Recorder();
        Assert.Throws<InvalidOperationException>(() => proto.Transport);
    }

    [Fact]
    public void StartsOnTheFirstPortAndStopsAfterTheLast()
    {
        var proto = new Recorder();
        var a = new MemoryUdpPort(new IPEndPoint(IPAddress.Loopback, 1), proto);
        var b = new MemoryUdpPort(new IPEndPoint(IPAddress.Loopback, 2), proto);
        a.Start();
        b.Start();
        Assert.Equal(1, proto.Starts);
        Assert.Equal(2, proto.NumPorts);
        a.StopListening();
        Assert.Equal(0, proto.Stops);
        b.StopListening();
        b.StopListening();
        Assert.Equal(1, proto.Stops);
        Assert.Equal(0, proto.NumPorts);
        Assert.Throws<InvalidOperationException>(() => proto.Transport);
    }
}
