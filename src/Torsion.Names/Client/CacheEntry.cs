using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>One question kept by <see cref="CacheResolver"/>: an answer or an NXDOMAIN, when it was kept and for how long.</summary>
internal sealed record CacheEntry(DnsQuery Query, DnsLookupResult? Result, DnsNameException? NameError, double Stored, double Ttl)
{
    /// <summary>The clock's time at which it is no longer given out.</summary>
    public double Expires => Stored + Ttl;
}
