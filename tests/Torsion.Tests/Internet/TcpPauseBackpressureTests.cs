using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// A protocol that pauses its transport makes the server stop reading that socket, so a fast sender is
/// slowed by TCP itself, on every backend: the sender stalls once the kernel buffers between them are
/// full (it could write without end if the server went on reading into memory of its own), and after
/// ResumeProducing every byte it sent arrives.
/// </summary>
public sealed class TcpPauseBackpressureTests
{
    /// <summary>Far more than the kernel buffers between two loopback sockets hold.</summary>
    private const long Unbounded = 256L * 1024 * 1024;

    private sealed class PausedCounter(Action<PausedCounter> made, Action<long> ended) : Protocol, IHalfCloseableProtocol
    {
        public long Received { get; private set; }
        public override void ConnectionMade()
        {
            ((ITcpTransport)Transport).PauseProducing();
            made(this);
        }
        public override void DataReceived(ReadOnlySpan<byte> data) => Received += data.Length;
        public void ReadConnectionLost()
        {
            ended(Received);
            Transport.LoseConnection();
        }
        public void WriteConnectionLost() { }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFastSenderStallsWhileTheTransportIsPausedAndEverythingArrivesAfter(string name)
    {
        var reactor = ReactorNames.Create(name);
        PausedCounter? server = null;
        long sent = -1, receivedWhilePaused = -1, received = -1;
        string? clientError = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new PausedCounter(p => server = p, total =>
            {
                received = total;
                reactor.Stop();
            })), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                try
                {
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    client.Connect(endpoint);
                    client.Blocking = false;
                    var total = SendUntilStalled(client);
                    reactor.CallFromThread(() =>
                    {
                        sent = total;
                        receivedWhilePaused = server!.Received;
                        ((ITcpTransport)server.Transport).ResumeProducing();
                    });
                    // Everything sent so far must now drain through the resumed server.
                    client.Blocking = true;
                    client.Shutdown(SocketShutdown.Send);
                    client.ReceiveTimeout = 60_000;
                    _ = client.Receive(new byte[1]);
                }
                catch (Exception e)
                {
                    reactor.CallFromThread(() =>
                    {
                        clientError = e.ToString();
                        reactor.Stop();
                    });
                }
            });
        }, timeout: 120);
        Assert.Null(clientError);
        Assert.True(sent < Unbounded, $"The sender wrote {sent} bytes without stalling: the paused server went on reading.");
        Assert.Equal(0, receivedWhilePaused);
        Assert.Equal(sent, received);
    }

    /// <summary>
    /// Writes until the socket stays unwritable for two seconds (the peer is not reading) or
    /// <see cref="Unbounded"/> bytes are written; returns the bytes the kernel took.
    /// </summary>
    private static long SendUntilStalled(Socket client)
    {
        var chunk = new byte[64 * 1024];
        long total = 0;
        while (total < Unbounded)
        {
            var n = client.Send(chunk, 0, chunk.Length, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                if (!client.Poll(TimeSpan.FromSeconds(2), SelectMode.SelectWrite))
                {
                    return total;
                }
                continue;
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            total += n;
        }
        return total;
    }
}
