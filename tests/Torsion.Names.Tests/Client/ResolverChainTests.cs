using Torsion.Defer;
using Torsion.Names.Client;
using Torsion.Names.Wire;
using Torsion.Testing;

namespace Torsion.Names.Tests.Client;

/// <summary>The chain moves on past "not here" and timeouts, stops at any other answer, and feeds the caches before the one that answered.</summary>
public sealed class ResolverChainTests
{
    private static readonly DnsQuery Www = new(DnsName.Parse("www.example.test"), RecordType.A);

    private sealed class Scripted(Func<DnsQuery, Deferred<DnsLookupResult>> answer) : IResolver
    {
        public int Asked { get; private set; }

        public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
        {
            Asked++;
            return answer(query);
        }
    }

    private static Scripted Answers(string address) =>
        new(q => Deferred.Succeed(new DnsLookupResult([new ResourceRecord(q.Name, new ARecord(address), 60)], [], [])));

    private static Scripted Fails(Exception e) => new(_ => Deferred.Fail<DnsLookupResult>(e));

    [Fact]
    public void MissesAndTimeoutsMoveOn()
    {
        var last = Answers("192.0.2.3");
        var chain = new ResolverChain([Fails(new DnsCacheMissException()), Fails(new DnsQueryTimeoutException(Www)), last]);
        var result = CacheResolverTests.Outcome(chain.Query(Www)).Value;
        Assert.Equal(new ARecord("192.0.2.3"), Assert.Single(result.Answers).Data);
        Assert.Equal(1, last.Asked);
    }

    [Fact]
    public void AnyOtherAnswerStopsTheChain()
    {
        var after = Answers("192.0.2.3");
        var chain = new ResolverChain([Fails(new DnsNameException(Www)), after]);
        Assert.IsType<DnsNameException>(CacheResolverTests.Outcome(chain.Query(Www)).Failure!.Value);
        Assert.Equal(0, after.Asked);
        var first = new ResolverChain([Answers("192.0.2.1"), after]);
        Assert.Equal(new ARecord("192.0.2.1"), Assert.Single(CacheResolverTests.Outcome(first.Query(Www)).Value.Answers).Data);
        Assert.Equal(0, after.Asked);
    }

    [Fact]
    public void TheLastFailureIsTheChainsAndAnEmptyChainMisses()
    {
        var chain = new ResolverChain([Fails(new DnsCacheMissException()), Fails(new DnsQueryTimeoutException(Www))]);
        Assert.IsType<DnsQueryTimeoutException>(CacheResolverTests.Outcome(chain.Query(Www)).Failure!.Value);
        Assert.IsType<DnsCacheMissException>(CacheResolverTests.Outcome(new ResolverChain([]).Query(Www)).Failure!.Value);
    }

    [Fact]
    public void ACacheBeforeTheAnsweringResolverIsFedAnswersAndNameErrors()
    {
        var clock = new Clock();
        var cache = new CacheResolver(clock);
        var network = Answers("192.0.2.9");
        var chain = new ResolverChain([cache, network]);
        CacheResolverTests.Outcome(chain.Query(Www));
        CacheResolverTests.Outcome(chain.Query(Www));
        Assert.Equal(1, network.Asked);

        var soa = new ResourceRecord(DnsName.Parse("example.test"), new SoaRecord(DnsName.Parse("ns1.example.test"), DnsName.Parse("h.example.test"), 1, 1, 1, 1, 30), 60);
        var missing = new DnsQuery(DnsName.Parse("missing.example.test"), RecordType.A);
        var nx = Fails(new DnsNameException(missing, new DnsMessage { ResponseCode = ResponseCode.NXDomain, Authority = [soa] }));
        var negative = new ResolverChain([cache, nx]);
        Assert.IsType<DnsNameException>(CacheResolverTests.Outcome(negative.Query(missing)).Failure!.Value);
        Assert.IsType<DnsNameException>(CacheResolverTests.Outcome(negative.Query(missing)).Failure!.Value);
        Assert.Equal(1, nx.Asked);
        clock.Advance(30);
        CacheResolverTests.Outcome(negative.Query(missing));
        Assert.Equal(2, nx.Asked);
    }

    [Fact]
    public void CancellingTheChainCancelsTheResolverAsked()
    {
        var pending = new Deferred<DnsLookupResult>();
        var chain = new ResolverChain([new Scripted(_ => pending)]);
        var d = chain.Query(Www);
        d.Cancel();
        Assert.True(pending.Called);
        Assert.IsType<CancelledException>(CacheResolverTests.Outcome(d).Failure!.Value);
    }
}
