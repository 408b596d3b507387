using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// Bad peers and floods, on every backend: 10,000 connections opened and dropped (some silent, some
/// with data, some reset), and the server keeps serving, leaks no descriptor, and every protocol
/// hears ConnectionLost exactly once.
/// </summary>
[Collection(DescriptorCountCollection.Name)]
public sealed class TcpRobustnessTests
{
    private sealed class CountingEcho(Counters counters) : Protocol
    {
        public override void ConnectionMade() => counters.Made++;
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
        public override void ConnectionLost(Failure reason) => counters.Lost++;
    }

    private sealed class Counters
    {
        public int Made;
        public int Lost;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TenThousandConnectionsOpenedAndDroppedLeakNothing(string name)
    {
        // A first, small storm lets the runtime open what it opens once (its own socket engine for the
        // test's clients, thread-pool machinery), so the count below sees only what the storm leaks.
        Storm(name, 300);
        var before = DescriptorCountCollection.OpenDescriptors();
        var described = DescriptorCountCollection.Describe();
        Storm(name, 10_000);
        var after = DescriptorCountCollection.OpenDescriptors();
        Assert.True(before == after, $"{before} descriptors before, {after} after.\nBefore: {described}\nAfter: {DescriptorCountCollection.Describe()}");
    }

    private static void Storm(string name, int Connections)
    {
        var reactor = ReactorNames.Create(name);
        var counters = new Counters();
        string? echoAfterwards = null;
        Exception? clientError = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new CountingEcho(counters)), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                try
                {
                    for (var i = 0; i < Connections; i++)
                    {
                        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        s.Connect(endpoint);
                        switch (i % 3)
                        {
                            case 0:
                                // Connects and says nothing; a reset close leaves no TIME_WAIT behind.
                                s.LingerState = new LingerOption(true, 0);
                                break;
                            case 1:
                                // Sends and resets while the echo may still be in flight.
                                s.Send(new byte[512]);
                                s.LingerState = new LingerOption(true, 0);
                                break;
                            default:
                                s.Send("x"u8);
                                break;
                        }
                    }
                }
                catch (Exception e)
                {
                    clientError = e;
                }
                reactor.CallFromThread(WaitForAllLost);
            });
            void WaitForAllLost()
            {
                if (counters.Lost < Connections)
                {
                    reactor.CallLater(0.01, WaitForAllLost);
                    return;
                }
                // The server still serves a well-behaved client.
                reactor.CallInThread(() =>
                {
                    using var c = new TcpClient();
                    c.Connect(endpoint);
                    var stream = c.GetStream();
                    stream.Write("still here"u8);
                    c.Client.Shutdown(SocketShutdown.Send);
                    var text = new StreamReader(stream).ReadToEnd();
                    reactor.CallFromThread(() =>
                    {
                        echoAfterwards = text;
                        port.StopListening();
                        reactor.Stop();
                    });
                });
            }
        }, timeout: 240);
        Assert.Null(clientError);
        Assert.Equal(Connections + 1, counters.Made);
        Assert.Equal(Connections + 1, counters.Lost);
        Assert.Equal("still here", echoAfterwards);
    }

    private sealed class OneBigWrite(byte[] payload) : Protocol
    {
        public override void ConnectionMade()
        {
            Transport.Write(payload);
            Transport.LoseConnection();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void HundredMegabytesInOneWriteArriveByteForByte(string name)
    {
        var reactor = ReactorNames.Create(name);
        var payload = new byte[100 * 1024 * 1024];
        for (var i = 0; i < payload.Length; i += 4096)
        {
            payload[i] = (byte)(i / 4096);
            payload[^(i + 1)] = (byte)~(i / 4096);
        }
        long received = 0;
        var matches = true;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new OneBigWrite(payload)), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                // A slow reader: a small receive buffer and small reads.
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8192 };
                client.Connect(endpoint);
                var chunk = new byte[7919];
                long offset = 0;
                int n;
                while ((n = client.Receive(chunk)) > 0)
                {
                    if (!chunk.AsSpan(0, n).SequenceEqual(payload.AsSpan((int)offset, n))) matches = false;
                    offset += n;
                }
                reactor.CallFromThread(() => { received = offset; reactor.Stop(); });
            });
        }, timeout: 240);
        Assert.Equal(payload.LongLength, received);
        Assert.True(matches);
    }
}
