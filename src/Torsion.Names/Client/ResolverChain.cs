using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// Asks resolvers in order until one answers (twisted.names' <c>ResolverChain</c>), such as the hosts
/// file, then a cache, then the network.
/// </summary>
/// <remarks>
/// The chain moves on when a resolver says "not here" (<see cref="DnsCacheMissException"/>, what a cache
/// or a hosts file says for a name it does not hold) or could not reach anyone
/// (<see cref="DnsQueryTimeoutException"/>). Any other answer, NXDOMAIN included, is the answer: an
/// authority's or a server's NXDOMAIN is final, where Twisted's chain would also move on past a
/// network NXDOMAIN. When a later resolver answers, every <see cref="IDnsCache"/> before it in the chain is
/// given the answer (and a <see cref="CacheResolver"/> the NXDOMAIN), so the next question hits the cache.
/// A chain of no resolvers misses. The last resolver's failure is the chain's.
/// </remarks>
public sealed class ResolverChain : ISearchingResolver
{
    private readonly IResolver[] _resolvers;

    /// <summary>A chain of <paramref name="resolvers"/>, asked in order; <paramref name="search"/> for address lookups over it.</summary>
    public ResolverChain(IEnumerable<IResolver> resolvers, DnsSearch? search = null)
    {
        ArgumentNullException.ThrowIfNull(resolvers);
        _resolvers = resolvers.ToArray();
        if (Array.Exists(_resolvers, r => r is null))
        {
            throw new ArgumentException("A chain cannot hold a null resolver.", nameof(resolvers));
        }
        Search = search ?? _resolvers.OfType<ISearchingResolver>().FirstOrDefault()?.Search ?? DnsSearch.None;
    }

    /// <summary>The resolvers, in the order they are asked.</summary>
    public IReadOnlyList<IResolver> Resolvers => _resolvers;

    /// <inheritdoc />
    public DnsSearch Search { get; }

    /// <inheritdoc />
    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_resolvers.Length == 0)
        {
            return Deferred.Fail<DnsLookupResult>(new DnsCacheMissException(query, message: "No resolver to ask."));
        }
        Deferred<DnsLookupResult>? current = null;
        var result = new Deferred<DnsLookupResult>(_ => current?.Cancel());
        void Ask(int index)
        {
            try
            {
                current = _resolvers[index].Query(query, timeouts);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                current = Deferred.Fail<DnsLookupResult>(e);
            }
            current.AddBoth(outcome =>
            {
                if (result.Called)
                {
                    return Unit.Value;
                }
                if (outcome.Succeeded)
                {
                    foreach (var cache in _resolvers.Take(index).OfType<IDnsCache>())
                    {
                        cache.CacheResult(query, outcome.Value);
                    }
                    result.Callback(outcome.Value);
                    return Unit.Value;
                }
                var failure = outcome.Failure!;
                if (failure.Value is DnsCacheMissException or DnsQueryTimeoutException && index + 1 < _resolvers.Length)
                {
                    Ask(index + 1);
                    return Unit.Value;
                }
                foreach (var cache in _resolvers.Take(index).OfType<CacheResolver>())
                {
                    cache.CacheFailure(query, failure.Value);
                }
                result.Errback(failure);
                return Unit.Value;
            });
        }
        Ask(0);
        return result;
    }
}
