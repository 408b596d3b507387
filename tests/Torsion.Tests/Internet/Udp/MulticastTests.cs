using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>
/// IPv4 multicast over the loopback interface: receivers bind the group address itself (so they see only
/// the group's datagrams) and join on 127.0.0.1; senders send out of 127.0.0.1 with loopback on.
/// </summary>
public sealed class MulticastTests
{
    private const string Group = "239.255.42.99";

    private static Failure? FailureOf(Deferred d)
    {
        Failure? failure = null;
        d.AddErrback(f =>
        {
            failure = f;
            return Unit.Value;
        });
        return failure;
    }

    /// <summary>Skips when the sandbox has no multicast on loopback; any other join failure fails the test.</summary>
    private static void JoinOrSkip(IMulticastTransport port, string iface = "127.0.0.1")
    {
        if (FailureOf(port.JoinGroup(Group, iface)) is { } f)
        {
            var error = Assert.IsType<MulticastJoinError>(f.Value);
            if (error.Errno is 19 or 101 || error.InnerException is SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.NetworkDown })
            {
                Assert.Skip($"No multicast on the loopback interface here: {error.Message}");
            }
            throw error;
        }
    }

    private static void SendOrSkip(IUdpTransport port, ReadOnlySpan<byte> data, EndPoint to)
    {
        try
        {
            port.Write(data, to);
        }
        catch (Exception e) when (e is SystemCallException { Errno: 19 or 101 } || e is SocketException { SocketErrorCode: SocketError.NetworkUnreachable })
        {
            Assert.Skip($"No multicast route here: {e.Message}");
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void JoinedGroupReceivesAndLeavingWorksOnce(string name)
    {
        var reactor = ReactorNames.Create(name);
        var receiver = new Recorder();
        EndPoint? senderHost = null;
        Failure? leave = null, leaveAgain = null;
        ReactorRunner.Run(reactor, () =>
        {
            var groupPort = reactor.ListenMulticast(0, receiver, Group);
            JoinOrSkip(groupPort);
            var sender = reactor.ListenMulticast(0, new Recorder(), "127.0.0.1");
            senderHost = sender.GetHost();
            sender.Interface = "127.0.0.1";
            sender.Loopback = true;
            receiver.OnDatagram = (_, _, _) =>
            {
                leave = FailureOf(groupPort.LeaveGroup(Group, "127.0.0.1"));
                leaveAgain = FailureOf(groupPort.LeaveGroup(Group, "127.0.0.1"));
                reactor.Stop();
            };
            SendOrSkip(sender, "hello, group"u8, new IPEndPoint(IPAddress.Parse(Group), ((IPEndPoint)groupPort.GetHost()).Port));
        });
        Assert.Equal(["hello, group"], receiver.Texts);
        Assert.Equal(senderHost, receiver.Received[0].From);
        Assert.Null(leave);
        // The kernel no longer knows the membership, so leaving again is refused.
        Assert.IsType<MulticastJoinError>(leaveAgain?.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ListenMultipleLetsTwoPortsShareTheGroupsPort(string name)
    {
        var reactor = ReactorNames.Create(name);
        var first = new Recorder();
        var second = new Recorder();
        Exception? withoutReuse = null;
        ReactorRunner.Run(reactor, () =>
        {
            var a = reactor.ListenMulticast(0, first, Group, listenMultiple: true);
            var port = ((IPEndPoint)a.GetHost()).Port;
            withoutReuse = Record.Exception(() => reactor.ListenMulticast(port, new Recorder(), Group));
            var b = reactor.ListenMulticast(port, second, Group, listenMultiple: true);
            JoinOrSkip(a);
            JoinOrSkip(b);
            void Both(Recorder self, byte[] data, EndPoint from)
            {
                if (first.Received.Count == 1 && second.Received.Count == 1)
                {
                    reactor.Stop();
                }
            }
            first.OnDatagram = Both;
            second.OnDatagram = Both;
            var sender = reactor.ListenMulticast(0, new Recorder(), "127.0.0.1");
            sender.Interface = "127.0.0.1";
            SendOrSkip(sender, "to both"u8, new IPEndPoint(IPAddress.Parse(Group), port));
        });
        Assert.IsType<CannotListenError>(withoutReuse);
        Assert.Equal(["to both"], first.Texts);
        Assert.Equal(["to both"], second.Texts);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OptionsRoundTrip(string name)
    {
        var reactor = ReactorNames.Create(name);
        var seen = new List<object>();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenMulticast(0, new Recorder(), "127.0.0.1");
            seen.Add(port.TTL);
            port.TTL = 5;
            seen.Add(port.TTL);
            seen.Add(port.Loopback);
            port.Loopback = false;
            seen.Add(port.Loopback);
            port.Loopback = true;
            seen.Add(port.Loopback);
            seen.Add(port.Interface);
            port.Interface = "127.0.0.1";
            seen.Add(port.Interface);
            port.Interface = "";
            seen.Add(port.Interface);
            Assert.Throws<ArgumentOutOfRangeException>(() => port.TTL = 256);
            Assert.Throws<ArgumentException>(() => port.Interface = "::1");
            reactor.Stop();
        });
        Assert.Equal<object>([1, 5, true, false, true, "0.0.0.0", "127.0.0.1", "0.0.0.0"], seen);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void JoiningANonGroupOrOnAMissingInterfaceFails(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? notAGroup = null, noSuchInterface = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenMulticast(0, new Recorder(), "127.0.0.1");
            notAGroup = FailureOf(port.JoinGroup("127.0.0.1", "127.0.0.1"));
            // 203.0.113.0/24 is reserved for documentation: no interface here has such an address.
            noSuchInterface = FailureOf(port.JoinGroup(Group, "203.0.113.7"));
            reactor.Stop();
        });
        Assert.IsType<MulticastJoinError>(notAGroup?.Value);
        var error = Assert.IsType<MulticastJoinError>(noSuchInterface?.Value);
        Assert.Equal(Group, error.Group);
        Assert.Equal("203.0.113.7", error.Interface);
    }
}
