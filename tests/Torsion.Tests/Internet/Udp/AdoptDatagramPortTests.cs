using System.Net;
using System.Net.Sockets;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>IReactorSocket.AdoptDatagramPort: serving a UDP socket bound by someone else (systemd, a parent process).</summary>
public sealed class AdoptDatagramPortTests
{
    /// <summary>
    /// A bound UDP socket made with raw calls, so no .NET Socket owns it: on Unix, reading Socket.Handle
    /// puts a socket into blocking mode, and O_NONBLOCK belongs to the open file the reactor's duplicate shares.
    /// </summary>
    private static (int Fd, IPEndPoint Address) BoundRawSocket()
    {
        var address = new IPEndPoint(IPAddress.Loopback, 0);
        var fd = PosixSocket.Create(SockAddr.FamilyOf(address), Sock.SOCK_DGRAM);
        Assert.True(fd >= 0, "socket failed");
        Assert.Equal(0, PosixSocket.Bind(fd, address));
        return (fd, (IPEndPoint)PosixSocket.GetSockName(fd));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAdoptedBoundSocketDeliversDatagramsToTheProtocol(string name)
    {
        var reactor = ReactorNames.Create(name);
        var adopting = ReactorNames.Require<IReactorSocket>(reactor);
        var (fd, address) = BoundRawSocket();
        var server = new Recorder();
        var clientRecorder = new Recorder();
        EndPoint? host = null;
        EndPoint? clientHost = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var port = adopting.AdoptDatagramPort(fd, AddressFamily.InterNetwork, server);
                host = port.GetHost();
                // Give up our copy, as a process handing a socket over does: the reactor works on its own duplicate.
                LibC.Close(fd);
                fd = -1;
                var client = reactor.ListenUdp(0, clientRecorder, "127.0.0.1");
                clientHost = client.GetHost();
                // The adopted port writes too: the echo proves sending works on the duplicate.
                server.OnDatagram = (self, data, from) => self.Transport.Write(data, from);
                clientRecorder.OnDatagram = (_, _, _) =>
                {
                    port.StopListening();
                    client.StopListening();
                    reactor.Stop();
                };
                client.Write("adopted"u8, address);
            });
        }
        finally
        {
            if (fd >= 0)
            {
                LibC.Close(fd);
            }
        }
        Assert.Equal(address, host);
        Assert.Equal(1, server.Starts);
        Assert.Equal(1, server.Stops);
        Assert.Equal(["adopted"], server.Texts);
        Assert.Equal(clientHost, server.Received[0].From);
        Assert.Equal(["adopted"], clientRecorder.Texts);
        Assert.Equal(address, clientRecorder.Received[0].From);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheWrongFamilyIsAnArgumentException(string name)
    {
        var reactor = ReactorNames.Create(name);
        var adopting = ReactorNames.Require<IReactorSocket>(reactor);
        var (fd, _) = BoundRawSocket();
        var protocol = new Recorder();
        try
        {
            // An IPv4 socket claimed to be IPv6, and a family no datagram port can have.
            Assert.Throws<ArgumentException>(() => adopting.AdoptDatagramPort(fd, AddressFamily.InterNetworkV6, protocol));
            Assert.Throws<ArgumentException>(() => adopting.AdoptDatagramPort(fd, AddressFamily.Unix, protocol));
            // Not a descriptor at all.
            Assert.Throws<ArgumentException>(() => adopting.AdoptDatagramPort(-1, AddressFamily.InterNetwork, protocol));
        }
        finally
        {
            LibC.Close(fd);
        }
        Assert.Equal(0, protocol.Starts);
    }
}
