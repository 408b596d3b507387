using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Address checks shared by both UDP port implementations, so the backends agree on what is an error.</summary>
internal static class UdpAddresses
{
    /// <summary>A (port, interface) pair as Twisted takes them; "" is every IPv4 address.</summary>
    internal static IPEndPoint ListenAddress(int port, string interfaceAddress, int maxPacketSize)
    {
        ArgumentNullException.ThrowIfNull(interfaceAddress);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A UDP port is 0..65535.");
        }
        if (maxPacketSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPacketSize), maxPacketSize, "The maximum packet size must be positive.");
        }
        if (string.IsNullOrEmpty(interfaceAddress))
        {
            return new IPEndPoint(IPAddress.Any, port);
        }
        if (!IPAddress.TryParse(interfaceAddress, out var ip))
        {
            throw new CannotListenError($"Cannot listen on '{interfaceAddress}': an interface must be an IP address literal.");
        }
        return new IPEndPoint(ip, port);
    }

    /// <summary>
    /// Checks the arguments of <c>AdoptDatagramPort</c> before the descriptor is duplicated: UDP is IPv4 or
    /// IPv6 only, and the port's addresses are <see cref="IPEndPoint"/>s.
    /// </summary>
    internal static void CheckAdopted(AddressFamily family, int maxPacketSize)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"A datagram port is IPv4 or IPv6, not {family}.", nameof(family));
        }
        if (maxPacketSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPacketSize), maxPacketSize, "The maximum packet size must be positive.");
        }
    }

    /// <summary>
    /// No datagram is longer than 65535 bytes, so a larger maximum needs no larger buffer; clamping lets
    /// every port read into the loop's shared 64 KiB buffer.
    /// </summary>
    internal static int ReadSize(int maxPacketSize) => Math.Min(maxPacketSize, 64 * 1024);

    /// <summary>The peer for <see cref="IUdpTransport.Connect"/>: an IP literal, as Twisted requires.</summary>
    internal static IPEndPoint ConnectAddress(string host, int port, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A UDP peer port is 1..65535.");
        }
        if (!IPAddress.TryParse(host, out var ip))
        {
            throw new ArgumentException($"'{host}' is not an IP address: resolve names before connecting a UDP port.", nameof(host));
        }
        return ForFamily(new IPEndPoint(ip, port), family);
    }

    /// <summary>
    /// Where a write goes: null means "the connected peer" (send, not sendto). Checks the rules of
    /// <see cref="IUdpTransport.Write"/>.
    /// </summary>
    internal static IPEndPoint? Destination(EndPoint? address, IPEndPoint? connected, AddressFamily family)
    {
        if (address is null)
        {
            if (connected is null)
            {
                throw new InvalidOperationException("This UDP port is not connected: Write needs an address.");
            }
            return null;
        }
        if (address is not IPEndPoint ip)
        {
            throw new ArgumentException($"A UDP datagram goes to an IP endpoint, not a {address.GetType().Name} ({address}).", nameof(address));
        }
        var target = ForFamily(ip, family);
        if (connected is not null)
        {
            if (!target.Equals(connected))
            {
                throw new InvalidOperationException($"This UDP port is connected to {connected}; it cannot write to {address}.");
            }
            return null;
        }
        return target;
    }

    /// <summary>
    /// The peer must be of the port's own family, as Twisted requires (its InvalidAddressError): an IPv4
    /// peer is not silently turned into an IPv4-mapped address, which a port bound to "::1" could not reach anyway.
    /// </summary>
    private static IPEndPoint ForFamily(IPEndPoint ip, AddressFamily family)
    {
        if (ip.AddressFamily != family)
        {
            var port = family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
            throw new ArgumentException($"An {port} UDP port cannot reach {ip}: the address family differs.", nameof(ip));
        }
        return ip;
    }

    /// <summary>An interface for multicast options: "" is INADDR_ANY; otherwise an IPv4 literal.</summary>
    internal static IPAddress MulticastInterface(string iface)
    {
        ArgumentNullException.ThrowIfNull(iface);
        if (iface.Length == 0)
        {
            return IPAddress.Any;
        }
        if (!IPAddress.TryParse(iface, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{iface}' is not an IPv4 interface address.", nameof(iface));
        }
        return ip;
    }

    /// <summary>
    /// Resolves <paramref name="group"/> and <paramref name="iface"/> (names allowed, as in Twisted) and
    /// runs <paramref name="change"/>, which throws <see cref="MulticastJoinError"/> when the kernel refuses.
    /// Literals are handled at once; a name goes through the reactor's resolver first.
    /// </summary>
    internal static Deferred ChangeMembership(IReactorCore reactor, string group, string iface, Action<IPAddress, IPAddress> change)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(iface);
        if (IPAddress.TryParse(group, out var groupIp) && (iface.Length == 0 || IPAddress.TryParse(iface, out _)))
        {
            try
            {
                change(CheckGroup(group, groupIp, iface), MulticastInterface(iface));
                return Deferred.Succeed();
            }
            catch (Exception e)
            {
                return Deferred.Fail(e is MulticastJoinError ? e : new MulticastJoinError(group, iface, e.Message, e));
            }
        }
        var groupD = groupIp is not null ? Deferred.Succeed(group) : reactor.Resolve(group);
        var done = new Deferred();
        groupD.AddCallbacks<Unit>(
            g =>
            {
                var ifaceD = iface.Length == 0 || IPAddress.TryParse(iface, out _) ? Deferred.Succeed(iface) : reactor.Resolve(iface);
                ifaceD.AddCallbacks<Unit>(
                    i =>
                    {
                        ChangeMembership(reactor, g, i, change).AddCallbacks<Unit>(
                            _ => { done.Callback(); return Unit.Value; },
                            f => { done.Errback(f); return Unit.Value; });
                        return Unit.Value;
                    },
                    f => { done.Errback(f); return Unit.Value; });
                return Unit.Value;
            },
            f => { done.Errback(f); return Unit.Value; });
        return done;
    }

    private static IPAddress CheckGroup(string group, IPAddress ip, string iface)
    {
        if (ip.AddressFamily != AddressFamily.InterNetwork || !IsMulticast(ip))
        {
            throw new MulticastJoinError(group, iface, "not an IPv4 multicast address (224.0.0.0/4).");
        }
        return ip;
    }

    private static bool IsMulticast(IPAddress ip)
    {
        Span<byte> b = stackalloc byte[4];
        ip.TryWriteBytes(b, out _);
        return (b[0] & 0xF0) == 0xE0;
    }
}
