using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A UDP port that can join IPv4 multicast groups (Twisted's <c>IMulticastTransport</c>).</summary>
public interface IMulticastTransport : IUdpTransport
{
    /// <summary>
    /// Joins <paramref name="group"/> on the interface whose address is <paramref name="iface"/>
    /// ("" lets the kernel choose by routing). Either may be a host name, resolved first; the Deferred
    /// fails with <see cref="MulticastJoinError"/> if the kernel refuses (no such interface, no multicast route).
    /// </summary>
    Deferred JoinGroup(string group, string iface = "");

    /// <summary>Leaves a group joined with <see cref="JoinGroup"/>; fails with <see cref="MulticastJoinError"/> if the kernel refuses.</summary>
    Deferred LeaveGroup(string group, string iface = "");

    /// <summary>The time-to-live of multicast datagrams sent (IP_MULTICAST_TTL, 0..255; 1 by default: the local network only).</summary>
    int TTL { get; set; }

    /// <summary>Whether this host's own members of a group receive the datagrams sent to it (IP_MULTICAST_LOOP; on by default).</summary>
    bool Loopback { get; set; }

    /// <summary>
    /// The address of the interface multicast datagrams leave by (IP_MULTICAST_IF), as an IPv4 literal;
    /// "0.0.0.0" lets the kernel choose by routing. Setting it takes an IPv4 literal ("" meaning "0.0.0.0").
    /// </summary>
    string Interface { get; set; }
}
