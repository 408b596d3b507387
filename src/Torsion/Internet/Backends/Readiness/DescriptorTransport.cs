using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What the connections over a raw socket descriptor share (<see cref="TcpConnection"/> on readiness,
/// <see cref="UringTcpConnection"/> on io_uring): the descriptor, and the socket options and local
/// address read from it. Their I/O differs; this does not.
/// </summary>
internal abstract unsafe class DescriptorTransport : StreamTransport
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

    /// <summary>
    /// One non-blocking send(2) of <paramref name="data"/>: the bytes the socket took (0 when it is full),
    /// or a <paramref name="failure"/> when the connection is gone.
    /// </summary>
    protected int SendNow(ReadOnlySpan<byte> data, out Failure? failure)
    {
        failure = null;
        nint sent;
        fixed (byte* p = data)
        {
            sent = LibC.Send(Fd, p, data.Length, Sock.MSG_NOSIGNAL | Sock.MSG_DONTWAIT);
        }
        if (sent >= 0)
        {
            return (int)sent;
        }
        var errno = LibC.LastErrno;
        if (errno is not (Errno.EAGAIN or Errno.EINTR))
        {
            failure = LostBecause("send", errno);
        }
        return 0;
    }

    /// <summary>A <see cref="ConnectionLost"/> failure for <paramref name="call"/> failing with <paramref name="errno"/>.</summary>
    protected static Failure LostBecause(string call, int errno) =>
        new(new ConnectionLost(LibC.StrError(errno), new SystemCallException(call, errno)));
}
