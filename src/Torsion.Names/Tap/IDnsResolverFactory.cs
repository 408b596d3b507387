using Torsion.Internet;

namespace Torsion.Names.Tap;

/// <summary>
/// Builds the non-authoritative resolvers <c>torsiond dns</c> serves through (twisted.names.tap's
/// <c>_buildResolvers</c>): the cache for <c>--cache</c>, the hosts file for <c>--hosts-file</c>, and
/// the network client for <c>--recursive</c>/<c>--resolv-conf</c>.
/// </summary>
public interface IDnsResolverFactory
{
    /// <summary>A cache the server asks first and fills with what the clients find.</summary>
    IDnsCache CreateCache(IReactor reactor);

    /// <summary>A resolver answering from the hosts file at <paramref name="path"/>.</summary>
    IResolver CreateHostsResolver(string path, IReactor reactor);

    /// <summary>The recursive (forwarding) network client, configured from <paramref name="resolvConf"/> (the system's resolv.conf when null).</summary>
    IResolver CreateClient(string? resolvConf, IReactor reactor);
}
