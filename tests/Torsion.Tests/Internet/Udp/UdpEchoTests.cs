using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>A UDP echo server on a real loop, on every backend, against real sockets on 127.0.0.1.</summary>
public sealed class UdpEchoTests
{
    private static Recorder Echo() => new() { OnDatagram = (self, data, from) => self.Transport.Write(data, from) };

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoServerAnswersABlockingClient(string name)
    {
        var reactor = ReactorNames.Create(name);
        var echo = Echo();
        List<string>? replies = null;
        Exception? clientError = null;
        var startsWhileListening = 0;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, echo, "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            Assert.Equal(IPAddress.Loopback, endpoint.Address);
            Assert.NotEqual(0, endpoint.Port);
            Assert.Same(port, echo.Transport);
            startsWhileListening = echo.Starts;
            InThread.Run(reactor, () =>
            {
                using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                client.Client.ReceiveTimeout = 60_000;
                var got = new List<string>();
                for (var i = 0; i < 5; i++)
                {
                    client.Send(Encoding.UTF8.GetBytes($"ping {i}"), endpoint);
                    IPEndPoint? from = null;
                    var reply = client.Receive(ref from);
                    Assert.Equal(endpoint, from);
                    got.Add(Encoding.UTF8.GetString(reply));
                }
                return got;
            }, got =>
            {
                replies = got;
                port.StopListening();
                reactor.Stop();
            }, e =>
            {
                clientError = e;
                reactor.Stop();
            });
        });
        Assert.Null(clientError);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"ping {i}"), replies);
        Assert.Equal(1, startsWhileListening);
        Assert.Equal(1, echo.Starts);
        Assert.Equal(1, echo.Stops);
        Assert.Throws<InvalidOperationException>(() => echo.Transport);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TwoProtocolsOnTheSameLoopTalk(string name)
    {
        var reactor = ReactorNames.Create(name);
        var server = Echo();
        var client = new Recorder();
        EndPoint? clientHost = null;
        ReactorRunner.Run(reactor, () =>
        {
            var serverPort = reactor.ListenUdp(0, server, "127.0.0.1");
            var clientPort = reactor.ListenUdp(0, client, "127.0.0.1");
            clientHost = clientPort.GetHost();
            client.OnDatagram = (_, _, _) =>
            {
                if (client.Received.Count == 2)
                {
                    reactor.Stop();
                }
            };
            clientPort.Write("one"u8, serverPort.GetHost());
            clientPort.Write("two"u8, serverPort.GetHost());
        });
        Assert.Equal(["one", "two"], client.Texts);
        Assert.All(server.Received, r => Assert.Equal(clientHost, r.From));
        // The reactor's shutdown closes every port, which stops its protocol.
        Assert.Equal(1, server.Stops);
        Assert.Equal(1, client.Stops);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StopListeningClosesTheSocketAndStopsTheProtocolOnce(string name)
    {
        var reactor = ReactorNames.Create(name);
        var proto = new Recorder();
        var fired = false;
        int? rebound = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, proto, "127.0.0.1");
            var portNumber = ((IPEndPoint)port.GetHost()).Port;
            port.StopListening().AddCallback(_ => fired = true);
            port.StopListening();
            port.LoseConnection();
            // The port number is free again: a new socket can bind it without SO_REUSEADDR.
            using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            again.Bind(new IPEndPoint(IPAddress.Loopback, portNumber));
            rebound = ((IPEndPoint)again.LocalEndPoint!).Port;
            Assert.Throws<InvalidOperationException>(() => port.Write("x"u8, again.LocalEndPoint));
            reactor.Stop();
        });
        Assert.True(fired);
        Assert.NotNull(rebound);
        Assert.Equal(1, proto.Starts);
        Assert.Equal(1, proto.Stops);
    }
}
