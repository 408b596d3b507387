using System.Net;

namespace Torsion.Internet;

/// <summary>
/// <c>struct ip_mreq</c> for IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP: the group, then the local interface's
/// address, each four bytes in network order. The interface-address form is used rather than
/// <c>ip_mreqn</c>'s index because the API names interfaces by address, as Twisted does.
/// </summary>
internal static class IpMreq
{
    internal const int Size = 8;

    internal static void Encode(IPAddress group, IPAddress iface, Span<byte> buffer)
    {
        group.TryWriteBytes(buffer[..4], out _);
        iface.TryWriteBytes(buffer[4..8], out _);
    }
}
