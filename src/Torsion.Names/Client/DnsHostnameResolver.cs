using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// Makes any <see cref="IResolver"/> the reactor's name resolver (Twisted's <c>SimpleResolverComplexifier</c>
/// over a twisted.names resolver): <c>reactor.InstallNameResolver(new DnsHostnameResolver(resolver))</c>,
/// and <see cref="IReactorTcp.ConnectTcp"/>, <see cref="HostnameEndpoint"/> and the HTTP client resolve
/// through Torsion.Names instead of the operating system.
/// </summary>
/// <remarks>
/// A and AAAA are asked at once, as <see cref="AddressTypes"/> allows, and CNAME chains in the answers are
/// followed; IPv4 addresses come first, then IPv6 (the connecting side races them, RFC 8305). A relative
/// name goes through the resolver's search list (<see cref="ISearchingResolver"/>): the first candidate
/// with an address wins. No address at all fails with <see cref="DnsLookupError"/>, as the system resolver does.
/// </remarks>
public sealed class DnsHostnameResolver : IHostnameResolver
{
    private readonly IResolver _resolver;
    private readonly IReadOnlyList<TimeSpan>? _timeouts;

    /// <summary>Resolves host names through <paramref name="resolver"/>, with its own timeouts unless <paramref name="timeouts"/> are given.</summary>
    public DnsHostnameResolver(IResolver resolver, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
        _timeouts = timeouts;
    }

    /// <summary>The resolver asked.</summary>
    public IResolver Resolver => _resolver;

    /// <inheritdoc />
    public Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(hostName);
        if (IPAddress.TryParse(hostName, out var literal))
        {
            return Wanted(literal, addressTypes)
                ? Deferred.Succeed<IReadOnlyList<IPEndPoint>>([new IPEndPoint(literal, port)])
                : Deferred.Fail<IReadOnlyList<IPEndPoint>>(new DnsLookupError(hostName));
        }
        IReadOnlyList<DnsName> candidates;
        try
        {
            candidates = (_resolver as ISearchingResolver)?.Search.Candidates(hostName) ?? [DnsName.Parse(hostName)];
        }
        catch (DnsFormatException e)
        {
            return Deferred.Fail<IReadOnlyList<IPEndPoint>>(new DnsLookupError(hostName, e));
        }
        return Resolve(hostName, candidates, port, addressTypes);
    }

    private async Deferred<IReadOnlyList<IPEndPoint>> Resolve(string hostName, IReadOnlyList<DnsName> candidates, int port, AddressTypes types)
    {
        Exception? last = null;
        foreach (var candidate in candidates)
        {
            var asks = new List<Deferred<DnsLookupResult>>();
            if (types.HasFlag(AddressTypes.IPv4))
            {
                asks.Add(_resolver.Query(new DnsQuery(candidate, RecordType.A), _timeouts));
            }
            if (types.HasFlag(AddressTypes.IPv6))
            {
                asks.Add(_resolver.Query(new DnsQuery(candidate, RecordType.AAAA), _timeouts));
            }
            var outcomes = await new DeferredList<DnsLookupResult>(asks, consumeErrors: true);
            var found = new List<IPEndPoint>();
            foreach (var outcome in outcomes)
            {
                if (!outcome.Success)
                {
                    last = outcome.Failure!.Value;
                    continue;
                }
                foreach (var address in AddressAnswers.Follow(candidate, outcome.Value!.Answers))
                {
                    if (Wanted(address, types))
                    {
                        found.Add(new IPEndPoint(address, port));
                    }
                }
            }
            if (found.Count > 0)
            {
                return found;
            }
        }
        throw new DnsLookupError(hostName, last);
    }

    private static bool Wanted(IPAddress address, AddressTypes types) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => types.HasFlag(AddressTypes.IPv4),
        AddressFamily.InterNetworkV6 => types.HasFlag(AddressTypes.IPv6),
        _ => false,
    };
}
