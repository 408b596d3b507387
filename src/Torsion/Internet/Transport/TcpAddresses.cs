using System.Net;
using System.Net.Sockets;

namespace Torsion.Internet;

/// <summary>Turns Twisted-style (port, interface) pairs into endpoints.</summary>
internal static class TcpAddresses
{
    /// <summary>"" means every IPv4 address, as in Twisted; "::" every IPv6 one; otherwise a literal address.</summary>
    internal static IPEndPoint ListenAddress(int port, string interfaceAddress)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 0..65535.");
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

    internal static int FamilyOf(IPEndPoint ep) => ep.AddressFamily == AddressFamily.InterNetworkV6 ? Sock.AF_INET6 : Sock.AF_INET;
}
