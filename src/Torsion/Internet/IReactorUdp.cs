namespace Torsion.Internet;

/// <summary>UDP ports (Twisted's <c>IReactorUDP</c>).</summary>
public interface IReactorUdp
{
    /// <summary>
    /// Binds a UDP port <paramref name="port"/> (0 picks a free one) on <paramref name="interfaceAddress"/>
    /// ("" = every IPv4 address; "::" = every IPv6 address) and starts <paramref name="protocol"/> on it.
    /// Datagrams longer than <paramref name="maxPacketSize"/> bytes are truncated to it.
    /// </summary>
    /// <returns>The port, which is also the protocol's transport.</returns>
    /// <exception cref="CannotListenError">The address is in use, not permitted or invalid.</exception>
    IUdpTransport ListenUdp(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = DefaultMaxPacketSize);

    /// <summary>The default largest datagram delivered whole: 8192 bytes, as in Twisted.</summary>
    const int DefaultMaxPacketSize = 8192;
}
