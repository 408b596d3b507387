using Torsion.Internet;
using Torsion.Names.Client;

namespace Torsion.Names.Tap;

/// <summary>
/// The resolvers <c>torsiond dns</c> uses by default: Torsion.Names.Client's cache, hosts-file resolver
/// and network resolver (configured from resolv.conf), as twistd dns builds them.
/// </summary>
internal sealed class ClientResolverFactory : IDnsResolverFactory
{
    public static ClientResolverFactory Instance { get; } = new();

    public IDnsCache CreateCache(IReactor reactor) => new CacheResolver(reactor);

    public IResolver CreateHostsResolver(string path, IReactor reactor) => new HostsResolver(reactor, path);

    public IResolver CreateClient(string? resolvConf, IReactor reactor) =>
        new Resolver(reactor, resolvConf: resolvConf is null ? ResolvConf.Load() : ResolvConf.Load(resolvConf));
}
