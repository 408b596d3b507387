using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Logging;
using Torsion.Names.Client;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// An answer counts only if it comes from the server's address and port with the query's id and
/// question; the client drops the rest and goes on waiting (RFC 5452).
/// </summary>
public sealed class SpoofingTests
{
    [Fact]
    public void OnlyTheMatchingAnswerCounts()
    {
        Resolver? resolver = null;
        FakeDnsServer? server = null;
        var result = Loop.Run(reactor =>
        {
            server = FakeDnsServer.Listen(reactor);
            var otherPort = reactor.ListenUdp(0, new FakeDnsServer(), "127.0.0.1");
            server.Respond = (query, from, port) =>
            {
                var right = FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.99"));
                // Each forgery answers 192.0.2.66: if any were taken, the result would say so.
                var forged = FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.66"));
                port.Write((forged with { Id = (ushort)(query.Id ^ 1) }).ToBytes(), from);
                otherPort.Write(forged.ToBytes(), from);
                var otherName = new DnsQuery(DnsName.Parse("evil.example.test"), RecordType.A);
                port.Write((forged with { Queries = [otherName], Answers = [new ResourceRecord(otherName.Name, new ARecord("192.0.2.66"), 60)] }).ToBytes(), from);
                port.Write((forged with { Queries = [query.Queries[0] with { Type = RecordType.AAAA }] }).ToBytes(), from);
                port.Write((forged with { IsResponse = false }).ToBytes(), from);
                port.Write([1, 2, 3], from);
                // The question may come back in another case (0x20): the name still matches.
                var upper = DnsName.Parse(query.Queries[0].Name.ToString().ToUpperInvariant());
                port.Write((right with { Queries = [query.Queries[0] with { Name = upper }] }).ToBytes(), from);
            };
            resolver = new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]);
            return resolver.LookupAddress("www.example.test");
        });
        var answer = Assert.Single(result.Answers);
        Assert.Equal(new ARecord("192.0.2.99"), answer.Data);
        Assert.Equal(6, resolver!.DroppedAnswers);
        Assert.Single(server!.Queries);
    }

    private sealed class Collector(Func<LogEvent, bool> wanted) : ILogObserver
    {
        public List<LogEvent> Events { get; } = [];

        public void Observe(LogEvent logEvent)
        {
            if (wanted(logEvent))
            {
                lock (Events)
                {
                    Events.Add(logEvent);
                }
            }
        }
    }

    [Fact]
    public void DroppedAnswersAreLoggedOncePerKind()
    {
        Resolver? resolver = null;
        EndPoint? serverEndpoint = null;
        var collector = new Collector(e => e.Namespace == typeof(Resolver).FullName && Equals(e.Fields.GetValueOrDefault("from"), serverEndpoint));
        GlobalLog.Publisher.AddObserver(collector);
        try
        {
            Loop.Run(reactor =>
            {
                var server = FakeDnsServer.Listen(reactor);
                serverEndpoint = server.Endpoint;
                server.Respond = (query, from, port) =>
                {
                    var answer = FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.1"));
                    for (var i = 1; i <= 20; i++)
                    {
                        port.Write((answer with { Id = (ushort)(query.Id + i) }).ToBytes(), from);
                    }
                    for (var i = 0; i < 20; i++)
                    {
                        port.Write([0xde, 0xad], from);
                    }
                    port.Write(answer.ToBytes(), from);
                };
                resolver = new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]);
                return resolver.LookupAddress("flood.example.test");
            });
        }
        finally
        {
            GlobalLog.Publisher.RemoveObserver(collector);
        }
        Assert.Equal(40, resolver!.DroppedAnswers);
        lock (collector.Events)
        {
            Assert.Equal(["malformed", "wrong id"], collector.Events.Select(e => (string)e.Fields["kind"]!).Order());
        }
    }

    [Fact]
    public void EachQueryUsesANewPortAndId()
    {
        var sources = new List<EndPoint>();
        var ids = new List<ushort>();
        Loop.Run(reactor =>
        {
            var server = FakeDnsServer.Listen(reactor);
            server.Respond = (query, from, port) =>
            {
                sources.Add(from);
                ids.Add(query.Id);
                port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.1")).ToBytes(), from);
            };
            var resolver = new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]);
            var lookups = Enumerable.Range(0, 8).Select(i => resolver.LookupAddress($"host{i}.example.test"));
            return Deferred.GatherResults(lookups);
        });
        Assert.Equal(8, sources.Distinct().Count());
        // Eight random 16-bit ids, all equal, would be a broken generator.
        Assert.True(ids.Distinct().Count() > 1);
    }

    [Fact]
    public void AServerWithoutEdnsIsAskedAgainWithoutIt()
    {
        FakeDnsServer? server = null;
        var result = Loop.Run(reactor =>
        {
            server = FakeDnsServer.Listen(reactor);
            server.Respond = (query, from, port) =>
            {
                var answer = query.Edns is null
                    ? FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.7"))
                    : FakeDnsServer.Answer(query) with { ResponseCode = ResponseCode.FormErr };
                port.Write(answer.ToBytes(), from);
            };
            var resolver = new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]);
            return resolver.LookupAddress("old.example.test").AddCallback(first =>
                resolver.LookupAddress("again.example.test").AddCallback(_ => first));
        });
        Assert.Equal(new ARecord("192.0.2.7"), Assert.Single(result.Answers).Data);
        Assert.Equal(Resolver.EdnsBufferSize, server!.Queries[0].Edns!.UdpPayloadSize);
        Assert.Null(server.Queries[1].Edns);
        // Remembered: the next query goes without EDNS at once.
        Assert.Equal(3, server.Queries.Count);
        Assert.Null(server.Queries[2].Edns);
    }

    public static TheoryData<ResponseCode, Type> Codes => new()
    {
        { ResponseCode.NXDomain, typeof(DnsNameException) },
        { ResponseCode.ServFail, typeof(DnsServerFailureException) },
        { ResponseCode.Refused, typeof(DnsQueryRefusedException) },
        { ResponseCode.NotImp, typeof(DnsNotImplementedException) },
        { ResponseCode.FormErr, typeof(DnsFormErrException) },
        { ResponseCode.NotAuth, typeof(DnsLookupException) },
    };

    [Theory, MemberData(nameof(Codes))]
    public void ResponseCodesBecomeTheirExceptions(ResponseCode code, Type expected)
    {
        var error = Assert.ThrowsAny<DnsLookupException>(() => Loop.Run(reactor =>
        {
            var server = FakeDnsServer.Listen(reactor);
            // With an OPT record, so FORMERR and NOTIMP are not taken for a server without EDNS.
            server.Respond = (query, from, port) =>
                port.Write((FakeDnsServer.Answer(query) with { ResponseCode = code, Edns = new Edns() }).ToBytes(), from);
            return new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]).LookupAddress("x.example.test");
        }));
        Assert.IsType(expected, error);
        Assert.Equal(code, error.ResponseCode);
    }

    [Fact]
    public void TheQuerysPortIsClosedOnceAnswered()
    {
        IPEndPoint? source = null;
        var rebound = Loop.Run(reactor =>
        {
            var server = FakeDnsServer.Listen(reactor);
            server.Respond = (query, from, port) =>
            {
                source = (IPEndPoint)from;
                port.Write(FakeDnsServer.Answer(query, FakeDnsServer.A(query, "192.0.2.1")).ToBytes(), from);
            };
            return new Resolver(reactor, [server.Endpoint], timeouts: [TimeSpan.FromSeconds(30)]).LookupAddress("closed.example.test").AddCallback(_ =>
            {
                // The port the query came from is free again: a socket can bind it without SO_REUSEADDR.
                using var again = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
                again.Bind(new IPEndPoint(IPAddress.Any, source!.Port));
                return ((IPEndPoint)again.LocalEndPoint!).Port;
            });
        });
        Assert.Equal(source!.Port, rebound);
    }
}
