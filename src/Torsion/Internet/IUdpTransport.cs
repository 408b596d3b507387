using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A UDP port as its protocol sees it (Twisted's <c>IUDPTransport</c>).</summary>
public interface IUdpTransport
{
    /// <summary>
    /// Sends one datagram, at once; never blocks. On a connected port <paramref name="address"/> may be
    /// omitted (and must otherwise be the connected peer); on an unconnected one it is required and must
    /// be an <see cref="IPEndPoint"/> of the port's own address family (Twisted accepts IP addresses only,
    /// not names, and no IPv4 address on an IPv6 port).
    /// </summary>
    /// <remarks>
    /// UDP is lossy, and so is this call: if the socket's send buffer is full (EAGAIN) or the kernel is out
    /// of buffers (ENOBUFS) the datagram is dropped, as a router would drop it, rather than queued or
    /// retried. Twisted raises there; dropping keeps a protocol that sends faster than the network from
    /// failing, and such a protocol needs its own pacing anyway.
    /// </remarks>
    /// <exception cref="InvalidOperationException">No address on an unconnected port, or an address other than the connected peer.</exception>
    /// <exception cref="ArgumentException">The address is not an IP endpoint of a family the port can reach.</exception>
    /// <exception cref="MessageLengthError">The datagram is larger than the protocol allows (EMSGSIZE).</exception>
    /// <exception cref="SystemCallException">The send failed for another reason (a <see cref="System.Net.Sockets.SocketException"/> on the sockets backend).</exception>
    void Write(ReadOnlySpan<byte> data, EndPoint? address = null);

    /// <summary>
    /// Connects the port to <paramref name="host"/>:<paramref name="port"/> (connected UDP): from then on
    /// only that peer's datagrams arrive, writes need no address, and refusals are reported through
    /// <see cref="DatagramProtocol.ConnectionRefused"/>. A port can be connected once.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP address literal.</exception>
    /// <exception cref="InvalidOperationException">The port is already connected, or closed.</exception>
    void Connect(string host, int port);

    /// <summary>The address actually bound: for port 0, this tells which port was picked.</summary>
    EndPoint GetHost();

    /// <summary>Closes the port; the protocol's <see cref="DatagramProtocol.StopProtocol"/> runs once it is closed, and then the Deferred fires.</summary>
    Deferred StopListening();

    /// <summary>Closes the port, as <see cref="StopListening"/> does.</summary>
    void LoseConnection();

    /// <summary>Allows or forbids sending to broadcast addresses (SO_BROADCAST).</summary>
    void SetBroadcastAllowed(bool enabled);

    /// <summary>Whether sending to broadcast addresses is allowed (SO_BROADCAST).</summary>
    bool GetBroadcastAllowed();
}
