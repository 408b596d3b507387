using System.Net;

namespace Torsion.Internet;

/// <summary>
/// What the connections over a raw socket descriptor share (<see cref="TcpConnection"/> on readiness,
/// <see cref="UringTcpConnection"/> on io_uring): the descriptor, and the socket options and local
/// address read from it. Their I/O differs; this does not.
/// </summary>
internal abstract class DescriptorTransport : StreamTransport
{
    /// <summary>A connection on <paramref name="fd"/> to <paramref name="peer"/>.</summary>
    protected DescriptorTransport(ReactorBase reactor, SegmentPool segmentPool, EndPoint peer, bool isUnix, int fd)
        : base(reactor, segmentPool, peer, isUnix)
    {
        Fd = fd;
    }

    /// <summary>The connected socket's descriptor.</summary>
    protected int Fd { get; }

    protected override bool NoDelayOption
    {
        get => PosixSocket.GetInt(Fd, Sock.IPPROTO_TCP, Sock.TCP_NODELAY) != 0;
        set => PosixSocket.SetInt(Fd, Sock.IPPROTO_TCP, Sock.TCP_NODELAY, value ? 1 : 0);
    }

    protected override bool KeepAliveOption
    {
        get => PosixSocket.GetInt(Fd, Sock.SOL_SOCKET, Sock.SO_KEEPALIVE) != 0;
        set => PosixSocket.SetInt(Fd, Sock.SOL_SOCKET, Sock.SO_KEEPALIVE, value ? 1 : 0);
    }

    protected override EndPoint LocalAddress() => PosixSocket.GetSockName(Fd);
}
