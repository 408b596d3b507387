using System.Net;
using System.Net.Sockets;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>UDP over IPv6 loopback (::1).</summary>
public sealed class UdpIPv6Tests
{
    private static void RequireIPv6Loopback()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Skip("The OS has no IPv6.");
        }
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException e)
        {
            Assert.Skip($"This machine has no IPv6 loopback: {e.Message}");
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoOverIPv6Loopback(string name)
    {
        RequireIPv6Loopback();
        var reactor = ReactorNames.Create(name);
        var server = new Recorder { OnDatagram = (self, data, from) => self.Transport.Write(data, from) };
        var client = new Recorder();
        EndPoint? serverHost = null, clientHost = null;
        ReactorRunner.Run(reactor, () =>
        {
            var serverPort = reactor.ListenUdp(0, server, "::1");
            var clientPort = reactor.ListenUdp(0, client, "::1");
            Assert.Throws<ArgumentException>(() => clientPort.Write("x"u8, new IPEndPoint(IPAddress.Loopback, 9)));
            Assert.Throws<ArgumentException>(() => clientPort.Connect("127.0.0.1", 9));
            serverHost = serverPort.GetHost();
            clientHost = clientPort.GetHost();
            client.OnDatagram = (_, _, _) => reactor.Stop();
            clientPort.Write("over six"u8, serverHost);
        });
        var host = Assert.IsType<IPEndPoint>(serverHost);
        Assert.Equal(IPAddress.IPv6Loopback, host.Address);
        Assert.NotEqual(0, host.Port);
        Assert.Equal(["over six"], client.Texts);
        Assert.Equal(serverHost, client.Received[0].From);
        Assert.Equal(clientHost, server.Received[0].From);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectedIPv6Port(string name)
    {
        RequireIPv6Loopback();
        var reactor = ReactorNames.Create(name);
        var a = new Recorder();
        var b = new Recorder();
        ReactorRunner.Run(reactor, () =>
        {
            var portA = reactor.ListenUdp(0, a, "::1");
            var portB = reactor.ListenUdp(0, b, "::1");
            portA.Connect("::1", ((IPEndPoint)portB.GetHost()).Port);
            b.OnDatagram = (_, _, _) => reactor.Stop();
            portA.Write("connected six"u8);
        });
        Assert.Equal(["connected six"], b.Texts);
    }
}
