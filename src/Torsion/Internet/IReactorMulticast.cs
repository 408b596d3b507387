namespace Torsion.Internet;

/// <summary>Multicast UDP ports (Twisted's <c>IReactorMulticast</c>).</summary>
public interface IReactorMulticast
{
    /// <summary>
    /// As <see cref="IReactorUdp.ListenUdp"/>, returning a port that can join multicast groups. With
    /// <paramref name="listenMultiple"/> the socket sets SO_REUSEADDR and SO_REUSEPORT, so several ports
    /// (in this process or others) can bind the same address and each receive the group's datagrams.
    /// </summary>
    /// <exception cref="CannotListenError">The address is in use, not permitted or invalid.</exception>
    IMulticastTransport ListenMulticast(int port, DatagramProtocol protocol, string interfaceAddress = "", int maxPacketSize = IReactorUdp.DefaultMaxPacketSize, bool listenMultiple = false);
}
