using System.Net;
using Torsion.Defer;
using Torsion.Examples.Poetry;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>The two senders on a fake clock and an in-memory transport: exactly what is written when.</summary>
public sealed class PoemSenderTests
{
    private const int ChunkSize = 16 * 1024;
    private static readonly EndPoint Peer = new IPEndPoint(IPAddress.Loopback, 12345);

    private static byte[] Poem(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i * 7))];

    private static (IProtocol Protocol, StringTransport Transport) Connect(PoetryFactory factory)
    {
        var protocol = factory.BuildProtocol(Peer)!;
        var transport = new StringTransport();
        protocol.MakeConnection(transport);
        return (protocol, transport);
    }

    [Fact]
    public void TheFastSenderWritesOneChunkEachTimeItIsAskedAndClosesAfterTheLast()
    {
        var poem = Poem((2 * ChunkSize) + 5);
        var factory = new PoetryFactory(poem, new Clock());
        var (_, transport) = Connect(factory);

        // Registered as a pull producer, never the whole poem in one write.
        var producer = Assert.IsAssignableFrom<IPullProducer>(transport.Producer);
        Assert.False(transport.Streaming);
        var asks = 0;
        while (transport.Producer is not null)
        {
            var before = transport.Value().Length;
            producer.ResumeProducing();
            asks++;
            Assert.InRange(transport.Value().Length - before, 1, ChunkSize);
        }

        Assert.Equal(3, asks);
        Assert.Equal(poem, transport.Value());
        Assert.True(transport.Disconnecting);
        Assert.Equal((0, 1), (factory.ActiveSenders, factory.PoemsSent));
    }

    [Fact]
    public void TheFastSenderStopsWhenTheConnectionGoesAway()
    {
        var factory = new PoetryFactory(Poem(3 * ChunkSize), new Clock());
        var (protocol, transport) = Connect(factory);
        var producer = (IPullProducer)transport.Producer!;
        producer.ResumeProducing();
        Assert.Equal(1, factory.ActiveSenders);

        // What a transport does on a lost connection: stop the producer, then tell the protocol.
        producer.StopProducing();
        protocol.ConnectionLost(new Failure(new ConnectionLost()));

        Assert.Equal((0, 0), (factory.ActiveSenders, factory.PoemsSent));
        Assert.Equal(ChunkSize, transport.Value().Length);
    }

    [Fact]
    public void TheSlowSenderWritesNumBytesEveryDelayThenClosesAndStopsItsLoop()
    {
        var clock = new Clock();
        var poem = Poem(23);
        var factory = new PoetryFactory(poem, clock, new PoemPace(5, 1.5));
        var (_, transport) = Connect(factory);

        // The first tick is at once; then one every 1.5 seconds, 5 bytes each, the last one short.
        Assert.Equal(5, transport.Value().Length);
        foreach (var expected in new[] { 10, 15, 20 })
        {
            clock.Advance(1.4);
            Assert.Equal(expected - 5, transport.Value().Length);
            clock.Advance(0.1);
            Assert.Equal(expected, transport.Value().Length);
            Assert.False(transport.Disconnecting);
        }
        clock.Advance(1.5);

        Assert.Equal(poem, transport.Value());
        Assert.True(transport.Disconnecting);
        Assert.Null(transport.Producer);
        Assert.Empty(clock.GetDelayedCalls());
        Assert.Equal((0, 1), (factory.ActiveSenders, factory.PoemsSent));
    }

    [Fact]
    public void TheSlowSenderWritesNothingWhileTheTransportHasPausedIt()
    {
        var clock = new Clock();
        var factory = new PoetryFactory(Poem(100), clock, new PoemPace(10, 1));
        var (_, transport) = Connect(factory);
        var producer = Assert.IsAssignableFrom<IPushProducer>(transport.Producer);
        Assert.True(transport.Streaming);

        producer.PauseProducing();
        clock.Advance(1);
        clock.Advance(1);
        Assert.Equal(10, transport.Value().Length);

        producer.ResumeProducing();
        clock.Advance(1);
        Assert.Equal(20, transport.Value().Length);
    }

    [Fact]
    public void TheSlowSenderStopsItsLoopWhenTheClientGoesAwayMidPoem()
    {
        var clock = new Clock();
        var factory = new PoetryFactory(Poem(100), clock, new PoemPace(10, 1));
        var (protocol, transport) = Connect(factory);
        clock.Advance(1);
        Assert.Single(clock.GetDelayedCalls());

        ((IProducer)transport.Producer!).StopProducing();
        protocol.ConnectionLost(new Failure(new ConnectionDone()));

        Assert.Empty(clock.GetDelayedCalls());
        Assert.Equal((0, 0), (factory.ActiveSenders, factory.PoemsSent));
        Assert.Equal(20, transport.Value().Length);
    }

    [Fact]
    public void AnEmptyPoemClosesAtOnce()
    {
        var fast = new PoetryFactory(ReadOnlyMemory<byte>.Empty, new Clock());
        var (_, fastTransport) = Connect(fast);
        ((IPullProducer)fastTransport.Producer!).ResumeProducing();
        Assert.True(fastTransport.Disconnecting);

        var clock = new Clock();
        var slow = new PoetryFactory(ReadOnlyMemory<byte>.Empty, clock, new PoemPace(10, 1));
        var (_, slowTransport) = Connect(slow);
        Assert.True(slowTransport.Disconnecting);
        Assert.Empty(clock.GetDelayedCalls());
        Assert.Equal((0, 0, 1, 1), (fast.ActiveSenders, slow.ActiveSenders, fast.PoemsSent, slow.PoemsSent));
    }
}
