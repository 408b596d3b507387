using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Resolve;

/// <summary>Each twisted.names <c>lookup*</c> asks its own type of question, class IN, through <see cref="IResolver.Query"/>.</summary>
public sealed class ResolverExtensionsTests
{
    private sealed class Recorder : IResolver
    {
        public List<(DnsQuery Query, IReadOnlyList<TimeSpan>? Timeouts)> Asked { get; } = [];

        public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
        {
            Asked.Add((query, timeouts));
            var d = new Deferred<DnsLookupResult>();
            d.Callback(DnsLookupResult.Empty);
            return d;
        }
    }

    public static TheoryData<string, RecordType> Lookups => new()
    {
        { nameof(ResolverExtensions.LookupAddress), RecordType.A },
        { nameof(ResolverExtensions.LookupIPv6Address), RecordType.AAAA },
        { nameof(ResolverExtensions.LookupMailExchange), RecordType.MX },
        { nameof(ResolverExtensions.LookupNameservers), RecordType.NS },
        { nameof(ResolverExtensions.LookupCanonicalName), RecordType.CNAME },
        { nameof(ResolverExtensions.LookupPointer), RecordType.PTR },
        { nameof(ResolverExtensions.LookupService), RecordType.SRV },
        { nameof(ResolverExtensions.LookupText), RecordType.TXT },
        { nameof(ResolverExtensions.LookupAuthority), RecordType.SOA },
        { nameof(ResolverExtensions.LookupAllRecords), RecordType.ANY },
        { nameof(ResolverExtensions.LookupZone), RecordType.AXFR },
    };

    [Theory]
    [MemberData(nameof(Lookups))]
    public void EachLookupAsksItsType(string method, RecordType type)
    {
        var resolver = new Recorder();
        TimeSpan[] timeouts = [TimeSpan.FromSeconds(2)];
        var lookup = typeof(ResolverExtensions).GetMethod(method)!;
        var d = (Deferred<DnsLookupResult>)lookup.Invoke(null, [resolver, "Example.COM.", timeouts])!;
        Assert.True(d.Called);
        var (query, passed) = Assert.Single(resolver.Asked);
        Assert.Equal(new DnsQuery(DnsName.Parse("example.com"), type, DnsClass.IN), query);
        Assert.Same(timeouts, passed);
    }

    [Fact]
    public void AResultDeconstructsLikeTwistedsTriple()
    {
        var a = new ResourceRecord(DnsName.Parse("a.example"), new ARecord(System.Net.IPAddress.Loopback), 60);
        var (answers, authority, additional) = new DnsLookupResult([a], [], []);
        Assert.Equal([a], answers);
        Assert.Empty(authority);
        Assert.Empty(additional);
    }
}
