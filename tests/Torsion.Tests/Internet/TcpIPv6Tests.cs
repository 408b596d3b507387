using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>TCP over IPv6 loopback on every backend: listen on ::1, connect by address, addresses come back as IPv6.</summary>
public sealed class TcpIPv6Tests
{
    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private sealed class Pinger(Action<string, EndPoint> done) : Protocol
    {
        public override void ConnectionMade() => Transport.Write("v6"u8);
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            done(System.Text.Encoding.ASCII.GetString(data), Transport.GetPeer());
            Transport.LoseConnection();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoOverIPv6Loopback(string name)
    {
        if (!Socket.OSSupportsIPv6 || !NetworkInterface.GetAllNetworkInterfaces().Any(n =>
                n.GetIPProperties().UnicastAddresses.Any(a => IPAddress.IPv6Loopback.Equals(a.Address))))
        {
            Assert.Skip("This machine has no IPv6 loopback address (::1).");
        }
        var reactor = ReactorNames.Create(name);
        string? got = null;
        EndPoint? peer = null, host = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "::1");
            host = port.GetHost();
            reactor.ConnectTcp("::1", ((IPEndPoint)host).Port, new ClientFactory(() => new Pinger((text, p) =>
            {
                got = text;
                peer = p;
                reactor.CallLater(0, reactor.Stop);
            })));
        });
        Assert.Equal("v6", got);
        Assert.Equal(AddressFamily.InterNetworkV6, host!.AddressFamily);
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)peer!).Address);
    }
}
