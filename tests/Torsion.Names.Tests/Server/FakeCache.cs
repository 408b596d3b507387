using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>A cache that keeps whatever it is given, forever, and misses otherwise.</summary>
internal sealed class FakeCache : IDnsCache
{
    private readonly Dictionary<DnsQuery, DnsLookupResult> _results = [];

    public int Stored { get; private set; }

    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null) =>
        _results.TryGetValue(query, out var result)
            ? Deferred.Succeed(result)
            : Deferred.Fail<DnsLookupResult>(new DnsCacheMissException(query));

    public void CacheResult(DnsQuery query, DnsLookupResult result)
    {
        Stored++;
        _results[query] = result;
    }
}
