using Torsion.Defer;
using Torsion.Names.Client;
using Torsion.Names.Wire;
using Torsion.Testing;

namespace Torsion.Names.Tests.Client;

/// <summary>The cache on a test clock: TTLs honoured and counted down, negative caching per RFC 2308, a size bound.</summary>
public sealed class CacheResolverTests
{
    private static readonly DnsQuery Www = new(DnsName.Parse("www.example.test"), RecordType.A);
    private static readonly ResourceRecord Soa = new(DnsName.Parse("example.test"),
        new SoaRecord(DnsName.Parse("ns1.example.test"), DnsName.Parse("hostmaster.example.test"), 1, 3600, 600, 86400, 30), 300);

    private readonly Clock _clock = new();

    internal static Outcome<DnsLookupResult> Outcome(Deferred<DnsLookupResult> d)
    {
        Outcome<DnsLookupResult>? got = null;
        d.AddBoth(o => { got = o; return 0; });
        return got ?? throw new InvalidOperationException("Not answered at once.");
    }

    [Fact]
    public void AnAnswerIsKeptForItsSmallestTtlAndComesBackAged()
    {
        var cache = new CacheResolver(_clock);
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(Www)).Failure!.Value);
        cache.CacheResult(Www, new DnsLookupResult(
            [new ResourceRecord(Www.Name, new ARecord("192.0.2.1"), 100), new ResourceRecord(Www.Name, new ARecord("192.0.2.2"), 60)],
            [],
            []));
        _clock.Advance(10.5);
        var aged = Outcome(cache.Query(new DnsQuery(DnsName.Parse("WWW.EXAMPLE.TEST"), RecordType.A))).Value;
        Assert.Equal([90u, 50u], aged.Answers.Select(r => r.Ttl));
        _clock.Advance(49);
        Assert.Equal([41u, 1u], Outcome(cache.Query(Www)).Value.Answers.Select(r => r.Ttl));
        _clock.Advance(1);
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(Www)).Failure!.Value);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void OtherTypesAndZeroTtlsAreNotAnswered()
    {
        var cache = new CacheResolver(_clock);
        cache.CacheResult(Www, new DnsLookupResult([new ResourceRecord(Www.Name, new ARecord("192.0.2.1"), 100)], [], []));
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(Www with { Type = RecordType.AAAA })).Failure!.Value);
        var zero = Www with { Name = DnsName.Parse("zero.example.test") };
        cache.CacheResult(zero, new DnsLookupResult([new ResourceRecord(zero.Name, new ARecord("192.0.2.1"), 0)], [], []));
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(zero)).Failure!.Value);
    }

    [Fact]
    public void NxdomainIsKeptForTheSmallerOfSoaTtlAndMinimum()
    {
        var cache = new CacheResolver(_clock);
        var missing = Www with { Name = DnsName.Parse("missing.example.test") };
        var response = new DnsMessage { IsResponse = true, ResponseCode = ResponseCode.NXDomain, Queries = [missing], Authority = [Soa] };
        cache.CacheFailure(missing, new DnsNameException(missing, response));
        _clock.Advance(29);
        var error = Assert.IsType<DnsNameException>(Outcome(cache.Query(missing)).Failure!.Value);
        Assert.Equal(300u - 29u, Assert.Single(error.Response!.Authority).Ttl);
        _clock.Advance(1);
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(missing)).Failure!.Value);
    }

    [Fact]
    public void NodataIsKeptForTheSmallerOfSoaTtlAndMinimum()
    {
        var cache = new CacheResolver(_clock);
        var mx = Www with { Type = RecordType.MX };
        var shortSoa = Soa with { Ttl = 20 };
        cache.CacheResult(mx, new DnsLookupResult([], [shortSoa], []));
        _clock.Advance(19);
        var nodata = Outcome(cache.Query(mx)).Value;
        Assert.Empty(nodata.Answers);
        Assert.Equal(1u, Assert.Single(nodata.Authority).Ttl);
        _clock.Advance(1);
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(mx)).Failure!.Value);
    }

    [Fact]
    public void NegativeAnswersWithoutSoaAndOtherFailuresAreNotKept()
    {
        var cache = new CacheResolver(_clock);
        cache.CacheResult(Www, DnsLookupResult.Empty);
        cache.CacheFailure(Www, new DnsNameException(Www, new DnsMessage { ResponseCode = ResponseCode.NXDomain }));
        cache.CacheFailure(Www, new DnsServerFailureException(Www, new DnsMessage { ResponseCode = ResponseCode.ServFail, Authority = [Soa] }));
        cache.CacheFailure(Www, new DnsQueryTimeoutException(Www));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TheOldestEntryGoesWhenFull()
    {
        var cache = new CacheResolver(_clock, maxEntries: 3);
        var queries = Enumerable.Range(0, 4).Select(i => new DnsQuery(DnsName.Parse($"h{i}.example.test"), RecordType.A)).ToArray();
        foreach (var q in queries)
        {
            cache.CacheResult(q, new DnsLookupResult([new ResourceRecord(q.Name, new ARecord("192.0.2.1"), 100)], [], []));
        }
        Assert.Equal(3, cache.Count);
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(queries[0])).Failure!.Value);
        Assert.True(Outcome(cache.Query(queries[3])).Succeeded);
    }

    [Fact]
    public void TtlsAreCapped()
    {
        var cache = new CacheResolver(_clock) { MaxTtl = TimeSpan.FromSeconds(50) };
        cache.CacheResult(Www, new DnsLookupResult([new ResourceRecord(Www.Name, new ARecord("192.0.2.1"), 86400)], [], []));
        _clock.Advance(50);
        Assert.IsType<DnsCacheMissException>(Outcome(cache.Query(Www)).Failure!.Value);
    }
}
