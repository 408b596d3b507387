using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet.Udp;

/// <summary>Datagram boundaries: truncation, empty datagrams, and many datagrams at once.</summary>
public sealed class UdpDatagramTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DatagramsLongerThanMaxPacketSizeAreTruncatedAndEmptyOnesArrive(string name)
    {
        var reactor = ReactorNames.Create(name);
        var server = new Recorder();
        ReactorRunner.Run(reactor, () =>
        {
            var serverPort = reactor.ListenUdp(0, server, "127.0.0.1", maxPacketSize: 10);
            var clientPort = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            server.OnDatagram = (_, _, _) =>
            {
                if (server.Received.Count == 3)
                {
                    reactor.Stop();
                }
            };
            var big = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
            clientPort.Write(big, serverPort.GetHost());
            clientPort.Write(ReadOnlySpan<byte>.Empty, serverPort.GetHost());
            clientPort.Write("end"u8, serverPort.GetHost());
        });
        Assert.Equal(3, server.Received.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), server.Received[0].Data);
        Assert.Empty(server.Received[1].Data);
        Assert.Equal("end"u8.ToArray(), server.Received[2].Data);
    }

    /// <summary>
    /// A thousand datagrams in bursts of 100: the server acknowledges each full burst, so the client never has
    /// more than one burst (well under the default receive buffer) in flight, and none may be lost or reordered.
    /// Each burst is larger than what a loop pass reads on the completion backend's first post, and spans
    /// several reads, so the per-event bound and the re-arming are exercised.
    /// </summary>
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void BurstsOfSmallDatagramsAllArriveInOrder(string name)
    {
        const int Bursts = 10, PerBurst = 100;
        var reactor = ReactorNames.Create(name);
        var server = new Recorder();
        var sequence = new List<int>();
        Exception? clientError = null;
        var clientDone = false;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUdp(0, server, "127.0.0.1");
            server.OnDatagram = (self, data, from) =>
            {
                sequence.Add(BinaryPrimitives.ReadInt32LittleEndian(data));
                if (sequence.Count % PerBurst == 0)
                {
                    self.Transport.Write("ack"u8, from);
                }
            };
            var endpoint = port.GetHost();
            InThread.Run(reactor, () =>
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                client.ReceiveTimeout = 60_000;
                var datagram = new byte[16];
                var ack = new byte[16];
                for (var burst = 0; burst < Bursts; burst++)
                {
                    for (var i = 0; i < PerBurst; i++)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(datagram, burst * PerBurst + i);
                        client.SendTo(datagram, endpoint);
                    }
                    Assert.Equal(3, client.Receive(ack));
                }
                return true;
            }, done =>
            {
                clientDone = done;
                reactor.Stop();
            }, e =>
            {
                clientError = e;
                reactor.Stop();
            });
        });
        Assert.Null(clientError);
        Assert.True(clientDone);
        Assert.Equal(Enumerable.Range(0, Bursts * PerBurst), sequence);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnErrorInDatagramReceivedLosesOnlyThatDatagram(string name)
    {
        var expected = LoggedErrors.ExpectFailureMessage("protocol bug (expected by the test)");
        var reactor = ReactorNames.Create(name);
        var server = new Recorder();
        ReactorRunner.Run(reactor, () =>
        {
            var serverPort = reactor.ListenUdp(0, server, "127.0.0.1");
            var clientPort = reactor.ListenUdp(0, new Recorder(), "127.0.0.1");
            server.OnDatagram = (self, data, _) =>
            {
                if (self.Received.Count == 1)
                {
                    throw new InvalidOperationException("protocol bug (expected by the test)");
                }
                reactor.Stop();
            };
            clientPort.Write("boom"u8, serverPort.GetHost());
            clientPort.Write("fine"u8, serverPort.GetHost());
        });
        Assert.Equal(["boom", "fine"], server.Texts);
        // The port outlived the error: it closed only with the reactor.
        Assert.Equal(1, server.Stops);
    }
}
