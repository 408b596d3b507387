using System.Net.Sockets;

namespace Torsion.Internet;

/// <summary>
/// Adopting sockets created elsewhere — inherited from systemd or a parent process (Twisted's
/// <c>IReactorSocket</c>). The reactor works on a duplicate of the descriptor: the caller still owns
/// the one it passed and may close it once the call returns. The duplicate shares the open file, so
/// its O_NONBLOCK flag (which the reactor sets) is shared too: don't put the caller's copy back into
/// blocking mode — on Unix, reading .NET's <c>Socket.Handle</c> does exactly that.
/// </summary>
public interface IReactorSocket
{
    /// <summary>Serves <paramref name="factory"/> on an already bound and listening stream socket.</summary>
    /// <exception cref="ArgumentException">The descriptor's family is not <paramref name="family"/>, or it is not a socket.</exception>
    IListeningPort AdoptStreamPort(int fileDescriptor, AddressFamily family, Factory factory);

    /// <summary>Runs a protocol from <paramref name="factory"/> on an already connected stream socket.</summary>
    void AdoptStreamConnection(int fileDescriptor, AddressFamily family, Factory factory);

    /// <summary>
    /// Runs <paramref name="protocol"/> on an already bound datagram socket, as <c>ListenUdp</c> would on
    /// one it bound itself. Datagrams longer than <paramref name="maxPacketSize"/> are truncated.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The descriptor's family is not <paramref name="family"/>, <paramref name="family"/> is not IPv4 or IPv6, or it is not a socket.
    /// </exception>
    IUdpTransport AdoptDatagramPort(int fileDescriptor, AddressFamily family, DatagramProtocol protocol, int maxPacketSize = IReactorUdp.DefaultMaxPacketSize);
}
