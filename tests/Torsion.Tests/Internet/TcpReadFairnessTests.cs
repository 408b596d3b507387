using System.Net;
using System.Net.Sockets;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// A connection whose peer never stops sending is read one buffer per loop pass, so it cannot keep the
/// loop from the other connections: on every backend, a ping-pong on a second connection finishes
/// while the flood is still going. (The sockets backend reads a busy connection again on the next pass
/// instead of waiting for a completion; this is the test that such a read never loops in place.)
/// </summary>
public sealed class TcpReadFairnessTests
{
    private const int RoundTrips = 20;

    /// <summary>Bounds the flood: far more than the ping-pong needs, and a few seconds of loopback at most.</summary>
    private const long FloodLimit = 8L * 1024 * 1024 * 1024;

    /// <summary>
    /// Slower than the flooder (a millisecond per read), so the kernel always has more for it: a backend
    /// that read a connection until it ran dry would never get back to the others.
    /// </summary>
    private sealed class SlowSink : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Thread.Sleep(1);
    }

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void APingPongFinishesWhileAnotherConnectionFloodsTheLoop(string name)
    {
        var reactor = ReactorNames.Create(name);
        long floodedWhenPingPongEnded = -1;
        var floodEnded = new ManualResetEventSlim();
        long flooded = 0;
        string? error = null;
        ReactorRunner.Run(reactor, () =>
        {
            var sink = (IPEndPoint)reactor.ListenTcp(0, Factory.ForProtocol<SlowSink>(), interfaceAddress: "127.0.0.1").GetHost();
            var echo = (IPEndPoint)reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1").GetHost();
            var flooder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            flooder.Connect(sink);
            var floodStarted = new ManualResetEventSlim();
            var floodThread = new Thread(() =>
            {
                var chunk = new byte[64 * 1024];
                try
                {
                    floodStarted.Set();
                    while (Interlocked.Read(ref flooded) < FloodLimit)
                    {
                        Interlocked.Add(ref flooded, flooder.Send(chunk));
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The test closes the socket once the ping-pong is done: that is how the flood ends.
                }
                finally
                {
                    floodEnded.Set();
                }
            }) { IsBackground = true };
            floodThread.Start();
            reactor.CallInThread(() =>
            {
                try
                {
                    floodStarted.Wait(TimeSpan.FromSeconds(10));
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    client.ReceiveTimeout = 60_000;
                    client.Connect(echo);
                    var message = new byte[64];
                    var reply = new byte[64];
                    for (var i = 0; i < RoundTrips; i++)
                    {
                        message[0] = (byte)i;
                        client.Send(message);
                        var got = 0;
                        while (got < reply.Length)
                        {
                            var n = client.Receive(reply, got, reply.Length - got, SocketFlags.None);
                            if (n == 0)
                            {
                                throw new InvalidOperationException("The echo server closed the connection.");
                            }
                            got += n;
                        }
                        Assert.Equal((byte)i, reply[0]);
                    }
                    Interlocked.Exchange(ref floodedWhenPingPongEnded, floodEnded.IsSet ? -2 : Interlocked.Read(ref flooded));
                }
                catch (Exception e)
                {
                    error = e.ToString();
                }
                flooder.Dispose();
                floodEnded.Wait(TimeSpan.FromSeconds(10));
                reactor.CallFromThread(reactor.Stop);
            });
        }, timeout: 60);
        Assert.Null(error);
        Assert.True(floodEnded.IsSet, "the flooding thread did not end after its socket was closed");
        // -2: the flood had already run to its limit, so the ping-pong waited for it.
        Assert.True(floodedWhenPingPongEnded > 0,
            $"the ping-pong finished only after the flood ({floodedWhenPingPongEnded}; {flooded} bytes flooded)");
        Assert.True(floodedWhenPingPongEnded < FloodLimit);
    }
}
