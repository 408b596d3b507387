using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// Remembers answers for as long as their TTLs allow (twisted.names' <c>CacheResolver</c>), on the
/// reactor's clock: an answer handed back has its TTLs lowered by the whole seconds it has been kept.
/// Negative answers are kept too (RFC 2308): NXDOMAIN (through <see cref="CacheFailure"/>) and NODATA
/// (an empty answer section), each for the smaller of the SOA's TTL and its MINIMUM field, taken from the
/// authority section; a negative answer without a SOA is not kept. A question it has nothing for fails
/// with <see cref="DnsCacheMissException"/>, so a <see cref="ResolverChain"/> moves on to the network (and
/// then gives the cache what the network said).
/// </summary>
/// <remarks>
/// A positive answer lives for the smallest TTL of its answer section. TTLs are capped at
/// <see cref="MaxTtl"/> (a week) and negative ones at <see cref="MaxNegativeTtl"/> (three hours), as BIND's
/// max-cache-ttl and max-ncache-ttl; a TTL of zero is not kept at all. At most <see cref="MaxEntries"/>
/// questions are kept: past that the oldest entry is dropped.
/// </remarks>
public sealed class CacheResolver : IDnsCache
{
    private readonly IReactorTime _clock;
    private readonly Dictionary<DnsQuery, LinkedListNode<CacheEntry>> _entries = [];
    private readonly LinkedList<CacheEntry> _byAge = new();

    /// <summary>A cache on <paramref name="clock"/> keeping at most <paramref name="maxEntries"/> questions.</summary>
    public CacheResolver(IReactorTime clock, int maxEntries = 10_000)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _clock = clock;
        MaxEntries = maxEntries;
    }

    /// <summary>The largest number of questions kept.</summary>
    public int MaxEntries { get; }

    /// <summary>The longest a positive answer is kept, whatever its TTL says.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The longest a negative answer is kept.</summary>
    public TimeSpan MaxNegativeTtl { get; init; } = TimeSpan.FromHours(3);

    /// <summary>How many questions are kept now (expired ones included until asked for or pushed out).</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = _clock.Seconds();
        if (!_entries.TryGetValue(query, out var node))
        {
            return Miss(query);
        }
        var entry = node.Value;
        if (now >= entry.Expires)
        {
            Remove(node);
            return Miss(query);
        }
        var elapsed = (uint)Math.Floor(now - entry.Stored);
        if (entry.NameError is { } error)
        {
            var response = error.Response is { } r ? r with { Authority = Age(r.Authority, elapsed) } : null;
            return Deferred.Fail<DnsLookupResult>(new DnsNameException(query, response, error.Message));
        }
        var result = entry.Result!;
        return Deferred.Succeed(new DnsLookupResult(Age(result.Answers, elapsed), Age(result.Authority, elapsed), Age(result.Additional, elapsed)));
    }

    /// <inheritdoc />
    public void CacheResult(DnsQuery query, DnsLookupResult result)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(result);
        double ttl;
        if (result.Answers.Count > 0)
        {
            ttl = Math.Min(result.Answers.Min(r => r.Ttl), MaxTtl.TotalSeconds);
        }
        else if (NegativeTtl(result.Authority) is { } negative)
        {
            ttl = negative;
        }
        else
        {
            return;
        }
        Store(query, new CacheEntry(query, result, null, _clock.Seconds(), ttl));
    }

    /// <summary>
    /// Keeps a failed lookup when RFC 2308 allows it: NXDOMAIN (<see cref="DnsNameException"/>) whose
    /// response carries the zone's SOA. Other failures are not kept.
    /// </summary>
    public void CacheFailure(DnsQuery query, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(failure);
        if (failure is DnsNameException { Response: { } response } nameError && NegativeTtl(response.Authority) is { } ttl)
        {
            Store(query, new CacheEntry(query, null, nameError, _clock.Seconds(), ttl));
        }
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _entries.Clear();
        _byAge.Clear();
    }

    private double? NegativeTtl(IReadOnlyList<ResourceRecord> authority)
    {
        foreach (var record in authority)
        {
            if (record.Data is SoaRecord soa)
            {
                return Math.Min(Math.Min(record.Ttl, soa.Minimum), MaxNegativeTtl.TotalSeconds);
            }
        }
        return null;
    }

    private void Store(DnsQuery query, CacheEntry entry)
    {
        if (entry.Expires <= entry.Stored)
        {
            return;
        }
        if (_entries.TryGetValue(query, out var old))
        {
            Remove(old);
        }
        while (_entries.Count >= MaxEntries && _byAge.First is { } oldest)
        {
            Remove(oldest);
        }
        _entries[query] = _byAge.AddLast(entry);
    }

    private void Remove(LinkedListNode<CacheEntry> node)
    {
        _entries.Remove(node.Value.Query);
        _byAge.Remove(node);
    }

    private static ResourceRecord[] Age(IReadOnlyList<ResourceRecord> records, uint elapsed) =>
        records.Select(r => r with { Ttl = r.Ttl > elapsed ? r.Ttl - elapsed : 0 }).ToArray();

    private static Deferred<DnsLookupResult> Miss(DnsQuery query) =>
        Deferred.Fail<DnsLookupResult>(new DnsCacheMissException(query, message: $"{query.Name} {query.Type} is not in the cache"));
}
