using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The default <see cref="IHostnameResolver"/>: asks the operating system (<c>getaddrinfo</c>, through
/// <see cref="Dns.GetHostAddressesAsync(string, AddressFamily, CancellationToken)"/>) off the loop thread,
/// for IPv4 and IPv6 addresses alike, in the order the system prefers them (RFC 6724 on Linux). Twisted's
/// <c>GAIResolver</c>. IP literals answer at once, without a lookup. One instance serves every reactor.
/// </summary>
public sealed class SystemHostnameResolver : IHostnameResolver
{
    private SystemHostnameResolver()
    {
    }

    /// <summary>The one instance.</summary>
    public static SystemHostnameResolver Instance { get; } = new();

    /// <inheritdoc />
    public Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(hostName);
        if (IPAddress.TryParse(hostName, out var literal))
        {
            var answer = Filter([literal], port, addressTypes);
            return answer.Count > 0 ? Deferred.Succeed(answer) : Deferred.Fail<IReadOnlyList<IPEndPoint>>(new DnsLookupError(hostName));
        }
        // The answer comes back through CallFromThread from a runtime thread; a group's CallFromThread from
        // such a thread would go to its primary, so take the calling loop now.
        var loop = reactor is ILoopThreadOwner owner ? owner.CallingLoop : reactor;
        var cancel = new CancellationTokenSource();
        var result = new Deferred<IReadOnlyList<IPEndPoint>>(_ => cancel.Cancel());
        var family = addressTypes switch
        {
            AddressTypes.IPv4 => AddressFamily.InterNetwork,
            AddressTypes.IPv6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };
        Task<IPAddress[]> lookup;
        try
        {
            lookup = Dns.GetHostAddressesAsync(hostName, family, cancel.Token);
        }
        catch (Exception e) when (e is ArgumentException or SocketException)
        {
            // A name the runtime rejects outright (too long, malformed) is a failed lookup like any other.
            cancel.Dispose();
            return Deferred.Fail<IReadOnlyList<IPEndPoint>>(new DnsLookupError(hostName, e));
        }
        lookup.ContinueWith(task => loop.CallFromThread(() =>
        {
            // On the loop, where the canceller runs too, so the source is never cancelled after it is gone.
            cancel.Dispose();
            if (result.Called)
            {
                return;
            }
            if (!task.IsCompletedSuccessfully)
            {
                result.Errback(new DnsLookupError(hostName, task.Exception?.InnerException));
                return;
            }
            var addresses = Filter(task.Result, port, addressTypes);
            if (addresses.Count == 0)
            {
                result.Errback(new DnsLookupError(hostName));
                return;
            }
            result.Callback(addresses);
        }), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return result;
    }

    private static IReadOnlyList<IPEndPoint> Filter(IEnumerable<IPAddress> addresses, int port, AddressTypes types)
    {
        var seen = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            var wanted = address.AddressFamily switch
            {
                AddressFamily.InterNetwork => (types & AddressTypes.IPv4) != 0,
                AddressFamily.InterNetworkV6 => (types & AddressTypes.IPv6) != 0,
                _ => false,
            };
            if (wanted && !seen.Exists(e => e.Address.Equals(address)))
            {
                seen.Add(new IPEndPoint(address, port));
            }
        }
        return seen;
    }
}
