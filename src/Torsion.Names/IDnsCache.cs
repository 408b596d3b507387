using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>
/// A resolver that remembers answers (twisted.names' <c>CacheResolver</c>): it answers from what it was
/// given until the records' TTLs run out, and fails with <see cref="DnsCacheMissException"/> otherwise, so
/// a chain moves on to the next resolver. The server gives it what its clients found.
/// </summary>
public interface IDnsCache : IResolver
{
    /// <summary>Stores <paramref name="result"/> as the answer to <paramref name="query"/>, for as long as its TTLs allow.</summary>
    void CacheResult(DnsQuery query, DnsLookupResult result);
}
