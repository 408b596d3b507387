using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names;

/// <summary>
/// Anything that answers DNS questions (twisted.names' <c>IResolver</c>): the network client, the hosts
/// file, a cache, an authoritative zone, a chain of them. The server asks its authorities, caches and
/// clients through this one method; the <c>Lookup*</c> conveniences are extension methods over it
/// (<see cref="ResolverExtensions"/>), so every resolver has all of them.
/// </summary>
public interface IResolver
{
    /// <summary>
    /// Answers <paramref name="query"/>. The Deferred fires with the answer, authority and additional
    /// sections (an empty answer section is NODATA), or fails with a <see cref="DnsLookupException"/>
    /// (NXDOMAIN is <see cref="DnsNameException"/>) or a <see cref="DnsQueryTimeoutException"/>.
    /// </summary>
    /// <param name="query">The name, type and class asked for.</param>
    /// <param name="timeouts">
    /// How long to wait for each attempt, in order (Twisted's default is 1, 3, 11 and 45 seconds);
    /// <see langword="null"/> for the resolver's own.
    /// </param>
    Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null);
}
