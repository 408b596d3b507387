using System.Net;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>What Write and the options refuse, on every backend.</summary>
public sealed class UdpWriteErrorTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WriteWithoutAnAddressOnAnUnconnectedPortThrows(string name)
    {
        var reactor = ReactorNames.Create(name);
        Exception? error = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            error = Record.Exception(() => port.Write("nowhere"u8));
            reactor.Stop();
        });
        Assert.IsType<InvalidOperationException>(error);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WriteToANameOrAnotherFamilyThrows(string name)
    {
        var reactor = ReactorNames.Create(name);
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            Assert.Throws<ArgumentException>(() => port.Write("x"u8, new DnsEndPoint("localhost", 9)));
            Assert.Throws<ArgumentException>(() => port.Write("x"u8, new IPEndPoint(IPAddress.IPv6Loopback, 9)));
            reactor.Stop();
        });
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ADatagramTooLargeForUdpThrowsMessageLengthError(string name)
    {
        var reactor = ReactorNames.Create(name);
        var receiver = new Recorder();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            var target = reactor.ListenUdp(0, receiver, "127.0.0.1");
            // 65507 bytes is the largest IPv4 UDP payload.
            Assert.Throws<MessageLengthError>(() => port.Write(new byte[70_000], target.GetHost()));
            // The port is still usable afterwards.
            receiver.OnDatagram = (_, _, _) => reactor.Stop();
            port.Write("small"u8, target.GetHost());
        });
        Assert.Equal(["small"], receiver.Texts);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void BroadcastAllowedRoundTrips(string name)
    {
        var reactor = ReactorNames.Create(name);
        var seen = new List<bool>();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            seen.Add(port.GetBroadcastAllowed());
            port.SetBroadcastAllowed(true);
            seen.Add(port.GetBroadcastAllowed());
            port.SetBroadcastAllowed(false);
            seen.Add(port.GetBroadcastAllowed());
            reactor.Stop();
        });
        Assert.Equal([false, true, false], seen);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ListeningOnAPortInUseThrowsCannotListenError(string name)
    {
        var reactor = ReactorNames.Create(name);
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            var taken = ((IPEndPoint)port.GetHost()).Port;
            var second = new Recorder();
            Assert.Throws<CannotListenError>(() => reactor.ListenUdp(taken, second, "127.0.0.1"));
            Assert.Equal(0, second.Starts);
            Assert.Throws<CannotListenError>(() => reactor.ListenUdp(0, new Recorder(), "not-an-address"));
            reactor.Stop();
        });
    }
}
