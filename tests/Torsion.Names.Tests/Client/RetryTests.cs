using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Torsion.Names.Client;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Client;

/// <summary>Tries go to the servers in order, each with its own wait; when every one stays silent the lookup times out.</summary>
public sealed class RetryTests
{
    /// <summary>A bound UDP socket that never answers; it counts what it was sent.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        public SilentServer() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

        /// <summary>The queries received so far (read without waiting: they arrived before the client gave up on them).</summary>
        public List<DnsMessage> Received()
        {
            var got = new List<DnsMessage>();
            var buffer = new byte[4096];
            while (_socket.Available > 0)
            {
                got.Add(DnsMessage.Parse(buffer.AsSpan(0, _socket.Receive(buffer))));
            }
            return got;
        }

        public void Dispose() => _socket.Dispose();
    }

    [Fact]
    public void ASilentServerIsLeftForTheNextAfterItsTimeout()
    {
        using var silent = new SilentServer();
        var clock = Stopwatch.StartNew();
        var result = Loop.Run(reactor =>
        {
            var working = FakeDnsServer.Listen(reactor);
            working.Respond = (query, from, port) => port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.3")).ToBytes(), from);
            return new Resolver(reactor, [silent.Endpoint, working.Endpoint], timeouts: [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(60)])
                .LookupAddress("retry.example.test");
        });
        Assert.Equal(new ARecord("192.0.2.3"), Assert.Single(result.Answers).Data);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.45), $"answered after {clock.Elapsed}, before the first try's timeout");
        var first = Assert.Single(silent.Received());
        Assert.Equal(DnsName.Parse("retry.example.test"), first.Queries[0].Name);
    }

    [Fact]
    public void AllSilentTimesOutAfterTheSumOfTheTimeoutsHavingTriedEachServerInTurn()
    {
        using var one = new SilentServer();
        using var two = new SilentServer();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<DnsQueryTimeoutException>(() => Loop.Run(reactor =>
            new Resolver(reactor, [one.Endpoint, two.Endpoint], timeouts: [TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.2)])
                .LookupAddress("silent.example.test")));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.65), $"gave up after {clock.Elapsed}");
        Assert.Equal(new DnsQuery(DnsName.Parse("silent.example.test"), RecordType.A), error.Query);
        var toOne = one.Received();
        var toTwo = two.Received();
        Assert.Equal(2, toOne.Count);
        Assert.Single(toTwo);
        Assert.All(toOne.Concat(toTwo), q => Assert.Equal(DnsName.Parse("silent.example.test"), q.Queries[0].Name));
    }

    [Fact]
    public void CancellingALookupClosesItAndFailsWithCancelled()
    {
        using var silent = new SilentServer();
        Assert.Throws<Torsion.Defer.CancelledException>(() => Loop.Run(reactor =>
        {
            var lookup = new Resolver(reactor, [silent.Endpoint], timeouts: [TimeSpan.FromSeconds(60)]).LookupAddress("slow.example.test");
            reactor.CallLater(0.1, lookup.Cancel);
            return lookup;
        }));
    }

    [Fact]
    public void RotateStartsEachQueryAtTheNextServer()
    {
        var asked = new List<string>();
        Loop.Run(reactor =>
        {
            var a = FakeDnsServer.Listen(reactor);
            var b = FakeDnsServer.Listen(reactor);
            a.Respond = (query, from, port) => { asked.Add("a"); port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.1")).ToBytes(), from); };
            b.Respond = (query, from, port) => { asked.Add("b"); port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.2")).ToBytes(), from); };
            var conf = ResolvConf.Parse($"nameserver {a.Endpoint}\nnameserver {b.Endpoint}\noptions rotate timeout:30");
            var resolver = new Resolver(reactor, resolvConf: conf);
            Assert.True(resolver.Rotate);
            return resolver.LookupAddress("one.example.test")
                .AddCallback(_ => resolver.LookupAddress("two.example.test"))
                .AddCallback(_ => resolver.LookupAddress("three.example.test"));
        });
        Assert.Equal(["a", "b", "a"], asked);
    }

    [Fact]
    public void AnIPv6ServerIsAskedFromAnIPv6Port()
    {
        EndPoint? from = null;
        var result = Loop.Run(reactor =>
        {
            var server = new FakeDnsServer();
            reactor.ListenUdp(0, server, "::1");
            server.Respond = (query, source, port) =>
            {
                from = source;
                port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.6")).ToBytes(), source);
            };
            return new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]).LookupAddress("v6.example.test");
        });
        Assert.Equal(new ARecord("192.0.2.6"), Assert.Single(result.Answers).Data);
        Assert.Equal(AddressFamily.InterNetworkV6, Assert.IsType<IPEndPoint>(from).AddressFamily);
    }

    [Fact]
    public void AZoneTransferThatNeverAnswersTimesOut()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clock = Stopwatch.StartNew();
        Assert.Throws<DnsQueryTimeoutException>(() => Loop.Run(reactor =>
            new Resolver(reactor, [(IPEndPoint)listener.LocalEndpoint]).LookupZone("example.test", [TimeSpan.FromSeconds(0.3)])));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.25));
        // It did connect (and sent its question): the listener has the connection waiting.
        Assert.True(listener.Pending());
    }

    [Fact]
    public void AnErrorAnswerMovesOnToTheNextServerButNxdomainIsFinal()
    {
        var asked = new List<string>();
        var (found, error) = Loop.Run(reactor =>
        {
            var refusing = FakeDnsServer.Listen(reactor);
            var working = FakeDnsServer.Listen(reactor);
            refusing.Respond = (query, from, port) =>
            {
                asked.Add("refusing " + query.Queries[0].Name);
                var code = query.Queries[0].Name == DnsName.Parse("gone.example.test") ? ResponseCode.NXDomain : ResponseCode.Refused;
                port.Write((FakeDnsServer.Answer(query) with { ResponseCode = code }).ToBytes(), from);
            };
            working.Respond = (query, from, port) =>
            {
                asked.Add("working " + query.Queries[0].Name);
                port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.4")).ToBytes(), from);
            };
            var resolver = new Resolver(reactor, [refusing.Endpoint, working.Endpoint], timeouts: [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)]);
            return resolver.LookupAddress("here.example.test").AddCallback(found =>
                resolver.LookupAddress("gone.example.test").AddBoth(o => (found, o.Failure?.Value)));
        });
        Assert.Equal(new ARecord("192.0.2.4"), Assert.Single(found.Answers).Data);
        Assert.IsType<DnsNameException>(error);
        Assert.Equal(["refusing here.example.test", "working here.example.test", "refusing gone.example.test"], asked);
    }

    [Fact]
    public void WhenEveryServerAnswersAnErrorTheLastErrorIsTheResult()
    {
        var count = 0;
        Assert.Throws<DnsServerFailureException>(() => Loop.Run(reactor =>
        {
            var failing = FakeDnsServer.Listen(reactor);
            failing.Respond = (query, from, port) =>
            {
                count++;
                port.Write((FakeDnsServer.Answer(query) with { ResponseCode = ResponseCode.ServFail }).ToBytes(), from);
            };
            // Four tries, but one server: it is asked once, not four times.
            return new Resolver(reactor, [failing.Endpoint], timeouts: [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)])
                .LookupAddress("broken.example.test");
        }));
        Assert.Equal(1, count);
    }

    [Fact]
    public void ATruncatedAnswerFromAServerWithoutTcpMovesOnToTheNextServer()
    {
        var result = Loop.Run(reactor =>
        {
            // Answers TC over UDP; nothing listens on its TCP port, so the TCP retry is refused.
            var truncating = FakeDnsServer.Listen(reactor);
            truncating.Respond = (query, from, port) => port.Write((FakeDnsServer.Answer(query) with { IsTruncated = true }).ToBytes(), from);
            var working = FakeDnsServer.Listen(reactor);
            working.Respond = (query, from, port) => port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.8")).ToBytes(), from);
            return new Resolver(reactor, [truncating.Endpoint, working.Endpoint], timeouts: [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)])
                .LookupAddress("tc.example.test");
        });
        Assert.Equal(new ARecord("192.0.2.8"), Assert.Single(result.Answers).Data);
    }
}
