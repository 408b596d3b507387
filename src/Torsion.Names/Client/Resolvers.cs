using System.Net;
using Torsion.Internet;

namespace Torsion.Names.Client;

/// <summary>Ready-made resolvers (twisted.names' <c>client.createResolver</c>).</summary>
public static class Resolvers
{
    /// <summary>
    /// The usual resolver: the hosts file, then a cache, then the network (a <see cref="ResolverChain"/>
    /// of <see cref="HostsResolver"/>, <see cref="CacheResolver"/> and <see cref="Resolver"/>). The network
    /// client asks <paramref name="servers"/> if given, else the name servers of the resolv.conf at
    /// <paramref name="resolvConf"/> (default <c>/etc/resolv.conf</c>); the chain carries that file's search
    /// list for address lookups. Answers from the network are cached on the reactor's clock.
    /// </summary>
    /// <param name="reactor">The reactor it runs on (its clock times the cache and the hosts file).</param>
    /// <param name="servers">DNS servers to ask; <see langword="null"/> or empty for resolv.conf's.</param>
    /// <param name="resolvConf">The resolv.conf to read; <see langword="null"/> for the system's.</param>
    /// <param name="hostsFile">The hosts file; <see langword="null"/> for <c>/etc/hosts</c>.</param>
    public static ResolverChain CreateResolver(IReactor reactor, IEnumerable<IPEndPoint>? servers = null, string? resolvConf = null, string? hostsFile = null)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        var configuration = ResolvConf.Load(resolvConf ?? ResolvConf.SystemPath);
        var explicitServers = servers?.ToArray() ?? [];
        var network = explicitServers.Length > 0
            ? new Resolver(reactor, explicitServers)
            : new Resolver(reactor, resolvConf: configuration);
        return new ResolverChain(
            [new HostsResolver(reactor, hostsFile ?? HostsResolver.SystemPath), new CacheResolver(reactor), network],
            configuration.SearchRules);
    }

    /// <summary>
    /// Makes <paramref name="resolver"/> the name resolver of <paramref name="reactor"/> (through a
    /// <see cref="DnsHostnameResolver"/>) and returns the one it replaces.
    /// </summary>
    public static IHostnameResolver InstallAsNameResolver(this IResolver resolver, IReactor reactor)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(reactor);
        return reactor.InstallNameResolver(new DnsHostnameResolver(resolver));
    }
}
