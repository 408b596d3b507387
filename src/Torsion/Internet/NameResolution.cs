using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>How Torsion's own code asks a reactor's installed <see cref="IHostnameResolver"/>, and orders what it answers.</summary>
internal static class NameResolution
{
    /// <summary>
    /// Asks the installed resolver of the loop that is calling (a group's current loop), so the answer
    /// comes back on this thread. An IP literal answers at once, as in Twisted: an address needs no
    /// resolver, and an installed one need not know literals. A resolver that throws fails the Deferred instead.
    /// </summary>
    internal static Deferred<IReadOnlyList<IPEndPoint>> Resolve(IReactor reactor, string host, int port, AddressTypes types = AddressTypes.Any)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return Deferred.Succeed<IReadOnlyList<IPEndPoint>>([new IPEndPoint(literal, port)]);
        }
        var loop = reactor is ILoopThreadOwner owner ? owner.CallingLoop : reactor;
        try
        {
            return loop.NameResolver.ResolveHostName(loop, host, port, types);
        }
        catch (Exception e)
        {
            return Deferred.Fail<IReadOnlyList<IPEndPoint>>(e);
        }
    }

    /// <summary>
    /// The one address a single-address caller (ConnectTcp, Resolve) uses: the first IPv4 one, as Twisted's
    /// IPv4-only <c>resolve</c> would give, else the first of any family, so a name with only IPv6 still works.
    /// </summary>
    internal static IPEndPoint Preferred(string name, IReadOnlyList<IPEndPoint> addresses)
    {
        foreach (var address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return address;
            }
        }
        return addresses.Count > 0 ? addresses[0] : throw new DnsLookupError(name);
    }

    /// <summary>
    /// RFC 8305 section 4: the order connection attempts take, alternating families and starting with IPv6;
    /// within a family the resolver's order is kept.
    /// </summary>
    internal static List<IPEndPoint> Interleave(IReadOnlyList<IPEndPoint> addresses)
    {
        var v6 = new Queue<IPEndPoint>();
        var v4 = new Queue<IPEndPoint>();
        foreach (var address in addresses)
        {
            (address.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : v4).Enqueue(address);
        }
        var ordered = new List<IPEndPoint>(addresses.Count);
        while (v6.Count > 0 || v4.Count > 0)
        {
            if (v6.TryDequeue(out var six))
            {
                ordered.Add(six);
            }
            if (v4.TryDequeue(out var four))
            {
                ordered.Add(four);
            }
        }
        return ordered;
    }
}
