using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Protocols;
using Torsion.Testing;
using static Torsion.Tests.Protocols.HAProxy.ProxyHeaders;

namespace Torsion.Tests.Protocols.HAProxy;

/// <summary>The wrapping factory over an in-memory transport and a fake clock: what the application sees.</summary>
public sealed class HAProxyWrapperTests
{
    /// <summary>Records what the application's protocol was given.</summary>
    private sealed class Recorder : Protocol
    {
        public StringBuilder Data { get; } = new();

        public EndPoint? Peer { get; private set; }

        public EndPoint? Host { get; private set; }

        public Failure? Lost { get; private set; }

        public override void ConnectionMade()
        {
            Peer = Transport.GetPeer();
            Host = Transport.GetHost();
        }

        public override void DataReceived(ReadOnlySpan<byte> data) => Data.Append(Encoding.Latin1.GetString(data));

        public override void ConnectionLost(Failure reason) => Lost = reason;
    }

    private static readonly IPEndPoint RealPeer = new(IPAddress.Parse("127.0.0.1"), 50000);
    private static readonly IPEndPoint RealHost = new(IPAddress.Parse("127.0.0.1"), 8080);

    private static (HAProxyWrappingFactory Factory, IProtocol Wrapper, StringTransport Transport, List<Recorder> Built, Clock Clock) Connect(double timeout = 10)
    {
        var built = new List<Recorder>();
        var clock = new Clock();
        var factory = new HAProxyWrappingFactory(Factory.ForProtocol(() =>
        {
            var r = new Recorder();
            built.Add(r);
            return r;
        }), clock, timeout);
        var wrapper = factory.BuildProtocol(RealPeer)!;
        var transport = new StringTransport(RealHost, RealPeer);
        wrapper.MakeConnection(transport);
        return (factory, wrapper, transport, built, clock);
    }

    [Fact]
    public void V1HeaderGivesTheRealClientAndTheRestOfTheBytes()
    {
        var (_, wrapper, transport, built, _) = Connect();
        wrapper.DataReceived([.. V1("PROXY TCP4 203.0.113.9 198.51.100.1 40000 443\r\n"), .. "hello"u8]);
        var app = Assert.Single(built);
        Assert.Equal("203.0.113.9:40000", app.Peer!.ToString());
        Assert.Equal("198.51.100.1:443", app.Host!.ToString());
        Assert.Equal("hello", app.Data.ToString());
        wrapper.DataReceived(" world"u8);
        Assert.Equal("hello world", app.Data.ToString());
        // Writes and flow control are the connection's.
        app.Transport.Write("answer"u8);
        Assert.Equal("answer", transport.ValueString);
        ((ITcpTransport)app.Transport).PauseProducing();
        Assert.Equal(ProducerState.Paused, transport.ProducerState);
        wrapper.ConnectionLost(new Failure(new ConnectionDone()));
        Assert.IsType<ConnectionDone>(app.Lost!.Value);
    }

    [Fact]
    public void V2HeaderSplitAcrossReadsThenData()
    {
        var (_, wrapper, _, built, _) = Connect();
        var header = V2(0x21, 0x11, Inet("203.0.113.9", 40000, "198.51.100.1", 443, Tlv(0x01, "h2"u8.ToArray())));
        wrapper.DataReceived(header.AsSpan(0, 5));
        wrapper.DataReceived(header.AsSpan(5, 14));
        Assert.Empty(built);
        wrapper.DataReceived([.. header.AsSpan(19), .. "GET"u8]);
        var app = Assert.Single(built);
        Assert.Equal("203.0.113.9:40000", app.Peer!.ToString());
        Assert.Equal("GET", app.Data.ToString());
    }

    [Fact]
    public void LocalAndUnknownKeepTheConnectionsOwnAddresses()
    {
        foreach (var header in new[] { V2(0x20, 0x00, []), V1("PROXY UNKNOWN\r\n"), V2(0x21, 0x00, []) })
        {
            var (_, wrapper, _, built, _) = Connect();
            wrapper.DataReceived(header);
            var app = Assert.Single(built);
            Assert.Equal(RealPeer, app.Peer);
            Assert.Equal(RealHost, app.Host);
            Assert.Equal("", app.Data.ToString());
        }
    }

    [Fact]
    public void MalformedOrMissingHeaderClosesWithoutTheApplication()
    {
        foreach (var input in new[] { "GET / HTTP/1.1\r\n\r\n"u8.ToArray(), V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\nGET"), V2(0x31, 0x11, new byte[12]) })
        {
            var (factory, wrapper, transport, built, _) = Connect();
            wrapper.DataReceived(input);
            Assert.Empty(built);
            Assert.True(transport.Aborted);
            Assert.Equal("", transport.ValueString);
            Assert.Equal(1, factory.RefusedConnections);
            // Anything after is ignored.
            wrapper.DataReceived("more"u8);
            wrapper.ConnectionLost(new Failure(new ConnectionLost()));
            Assert.Empty(built);
        }
    }

    [Fact]
    public void NoHeaderInTimeClosesTheConnection()
    {
        var (factory, wrapper, transport, built, clock) = Connect(timeout: 5);
        wrapper.DataReceived("PROXY TCP4 "u8);
        clock.Advance(4.9);
        Assert.False(transport.Aborted);
        clock.Advance(0.2);
        Assert.True(transport.Aborted);
        Assert.Empty(built);
        Assert.Equal(1, factory.RefusedConnections);
    }

    [Fact]
    public void TheTimerStopsOnceTheHeaderIsIn()
    {
        var (_, wrapper, transport, built, clock) = Connect(timeout: 5);
        wrapper.DataReceived(V1("PROXY UNKNOWN\r\n"));
        clock.Advance(60);
        Assert.False(transport.Aborted);
        Assert.Single(built);
        Assert.Empty(clock.GetDelayedCalls());
    }

    [Fact]
    public void AConnectionLostBeforeTheHeaderCancelsTheTimer()
    {
        var (_, wrapper, _, built, clock) = Connect(timeout: 5);
        wrapper.DataReceived("PRO"u8);
        wrapper.ConnectionLost(new Failure(new ConnectionDone()));
        Assert.Empty(clock.GetDelayedCalls());
        Assert.Empty(built);
    }

    [Fact]
    public void TheApplicationFactoryIsStartedAndStoppedWithThePort()
    {
        var started = 0;
        var inner = new CountingFactory(() => started++, () => started--);
        var factory = new HAProxyWrappingFactory(inner, new Clock());
        factory.DoStart();
        Assert.Equal(1, started);
        factory.DoStop();
        Assert.Equal(0, started);
    }

    private sealed class CountingFactory(Action start, Action stop) : Factory
    {
        public override IProtocol? BuildProtocol(EndPoint address) => new Recorder();

        protected override void StartFactory() => start();

        protected override void StopFactory() => stop();
    }

    /// <summary>Keeps the events about one peer address (tests run in parallel; this one is unique).</summary>
    private sealed class PeerEvents(string peer) : ILogObserver
    {
        public List<LogEvent> Seen { get; } = [];

        public void Observe(LogEvent logEvent)
        {
            if (logEvent.Namespace == "Torsion.Protocols.HAProxy" && logEvent.Fields.TryGetValue("peer", out var p) && p?.ToString() == peer)
            {
                lock (Seen)
                {
                    Seen.Add(logEvent);
                }
            }
        }
    }

    [Fact]
    public void EachKindOfRefusalIsAWarningOnlyOnce()
    {
        var peer = new IPEndPoint(IPAddress.Parse("192.0.2.77"), 47123);
        var events = new PeerEvents(peer.ToString());
        GlobalLog.Publisher.AddObserver(events);
        try
        {
            var clock = new Clock();
            var factory = new HAProxyWrappingFactory(Factory.ForProtocol(() => new Recorder()), clock, 5);
            void Refuse(byte[]? input)
            {
                var wrapper = factory.BuildProtocol(peer)!;
                wrapper.MakeConnection(new StringTransport(RealHost, peer));
                if (input is null)
                {
                    clock.Advance(6);
                }
                else
                {
                    wrapper.DataReceived(input);
                }
            }
            Refuse("GET / HTTP/1.1\r\n"u8.ToArray());
            Refuse("HEAD / HTTP/1.1\r\n"u8.ToArray());
            Refuse(null);
            Refuse(null);
            Refuse("GET"u8.ToArray());
            Assert.Equal(5, factory.RefusedConnections);
            List<string> seen;
            lock (events.Seen)
            {
                seen = [.. events.Seen.Select(e => e.Level + ":" + e.Fields["reason"])];
            }
            // Debug events may be filtered out by the log's level; the warnings are what an operator sees.
            Assert.Equal(["Warn:no PROXY protocol header", "Warn:no PROXY protocol header in time"], seen.Where(e => e.StartsWith("Warn:", StringComparison.Ordinal)));
            Assert.All(seen.Where(e => !e.StartsWith("Warn:", StringComparison.Ordinal)), e => Assert.StartsWith("Debug:", e, StringComparison.Ordinal));
        }
        finally
        {
            GlobalLog.Publisher.RemoveObserver(events);
        }
    }
}
