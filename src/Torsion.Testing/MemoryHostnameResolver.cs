using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// A <see cref="MemoryReactor"/>'s own resolver: answers at once from IP literals and the reactor's
/// <see cref="MemoryReactor.HostNames"/>, and fails with <see cref="DnsLookupError"/> for anything else.
/// </summary>
internal sealed class MemoryHostnameResolver(IDictionary<string, string> names) : IHostnameResolver
{
    public Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if ((IPAddress.TryParse(hostName, out var address) || (names.TryGetValue(hostName, out var known) && IPAddress.TryParse(known, out address)))
            && (addressTypes & (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AddressTypes.IPv6 : AddressTypes.IPv4)) != 0)
        {
            return Deferred.Succeed<IReadOnlyList<IPEndPoint>>([new IPEndPoint(address, port)]);
        }
        return Deferred.Fail<IReadOnlyList<IPEndPoint>>(new DnsLookupError(hostName));
    }
}
