using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A UDP port on a readiness reactor: one non-blocking datagram socket, read when readable, written
/// straight through (a datagram is sent whole or not at all, so there is nothing to buffer). It serves
/// both <c>ListenUdp</c> and <c>ListenMulticast</c>; the former hands it out as a plain <see cref="IUdpTransport"/>.
/// </summary>
internal sealed unsafe class UdpPort : DatagramPort, IReadDescriptor
{
    private readonly PosixReactor _reactor;
    private readonly int _readSize;
    private int _fd = -1;

    internal UdpPort(PosixReactor reactor, IPEndPoint address, DatagramProtocol protocol, int maxPacketSize, bool listenMultiple)
        : base(reactor, address, protocol, listenMultiple)
    {
        _reactor = reactor;
        _readSize = UdpAddresses.ReadSize(maxPacketSize);
    }

    public int FileDescriptor => _fd;

    internal void StartListening()
    {
        var fd = PosixSocket.Create(SockAddr.FamilyOf(Address), Sock.SOCK_DGRAM);
        EndPoint host;
        try
        {
            if (ListenMultiple)
            {
                PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1);
                PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEPORT, 1);
            }
            var errno = PosixSocket.Bind(fd, Address);
            if (errno != 0)
            {
                throw new CannotListenError($"Couldn't listen on UDP {Address}: {LibC.StrError(errno)}.", new SystemCallException("bind", errno));
            }
            host = PosixSocket.GetSockName(fd);
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }
        Adopt(fd, host);
    }

    /// <summary>Serves a socket bound elsewhere; <paramref name="fd"/> is already non-blocking and now owned by the port.</summary>
    internal void Adopt(int fd, EndPoint host)
    {
        _fd = fd;
        Begin(host);
    }

    protected override void StartReading() => _reactor.AddReader(this);

    public Failure? DoRead()
    {
        var addr = stackalloc byte[SockAddr.MaxSize];
        fixed (byte* buffer = _reactor.ReceiveBuffer)
        {
            for (var i = 0; i < DatagramsPerPass && IsListening; i++)
            {
                var addrLen = SockAddr.MaxSize;
                // A datagram longer than the read size is truncated by the kernel: the rest is discarded.
                var n = LibC.RecvFrom(_fd, buffer, _readSize, 0, addr, &addrLen);
                if (n < 0)
                {
                    var errno = LibC.LastErrno;
                    switch (errno)
                    {
                        case Errno.EINTR:
                            continue;
                        case Errno.EAGAIN:
                            return null;
                        case Errno.ECONNREFUSED:
                            // The kernel reports an ICMP refusal once, on the next call.
                            Refused();
                            return null;
                        case Errno.EHOSTUNREACH:
                        case Errno.ENETUNREACH:
                        case Errno.EHOSTDOWN:
                        case Errno.ENETDOWN:
                        case Errno.ECONNRESET:
                            // Other ICMP reports about an earlier datagram: UDP makes no promise of
                            // delivery, so they are not a reason to close the port.
                            continue;
                        default:
                            return new Failure(new SystemCallException("recvfrom", errno));
                    }
                }
                var from = SockAddr.Decode(new ReadOnlySpan<byte>(addr, SockAddr.MaxSize), addrLen);
                Deliver(new ReadOnlySpan<byte>(buffer, (int)n), from);
            }
        }
        return null;
    }

    protected override SendOutcome TrySend(ReadOnlySpan<byte> data, IPEndPoint? destination, out Exception? cause)
    {
        cause = null;
        var sa = stackalloc byte[SockAddr.MaxSize];
        var saLen = destination is null ? 0 : SockAddr.Encode(destination, new Span<byte>(sa, SockAddr.MaxSize));
        nint n;
        fixed (byte* p = data)
        {
            n = destination is null
                ? LibC.Send(_fd, p, data.Length, Sock.MSG_NOSIGNAL | Sock.MSG_DONTWAIT)
                : LibC.SendTo(_fd, p, data.Length, Sock.MSG_NOSIGNAL, sa, saLen);
        }
        if (n >= 0)
        {
            return SendOutcome.Sent;
        }
        var errno = LibC.LastErrno;
        switch (errno)
        {
            case Errno.EINTR:
                return SendOutcome.Interrupted;
            case Errno.EMSGSIZE:
                cause = new SystemCallException("sendto", errno);
                return SendOutcome.TooLong;
            case Errno.EAGAIN:
            case Errno.ENOBUFS:
                return SendOutcome.Dropped;
            case Errno.ECONNREFUSED:
                return SendOutcome.Refused;
            default:
                throw new SystemCallException(destination is null ? "send" : "sendto", errno);
        }
    }

    protected override void ConnectSocket(IPEndPoint peer)
    {
        var errno = PosixSocket.Connect(_fd, peer);
        if (errno != 0)
        {
            throw new SystemCallException("connect", errno);
        }
    }

    public void ConnectionLost(Failure reason) => Close();

    protected override void CloseSocket()
    {
        _reactor.RemoveReader(this);
        LibC.Close(_fd);
    }

    protected override bool BroadcastOption
    {
        get => PosixSocket.GetInt(_fd, Sock.SOL_SOCKET, Sock.SO_BROADCAST) != 0;
        set => PosixSocket.SetInt(_fd, Sock.SOL_SOCKET, Sock.SO_BROADCAST, value ? 1 : 0);
    }

    protected override int MulticastTtlOption
    {
        get => PosixSocket.GetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_TTL);
        set => PosixSocket.SetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_TTL, value);
    }

    protected override bool MulticastLoopbackOption
    {
        get => PosixSocket.GetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_LOOP) != 0;
        set => PosixSocket.SetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_LOOP, value ? 1 : 0);
    }

    protected override int MulticastInterfaceOption => PosixSocket.GetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_IF);

    protected override void SetMulticastInterface(IPAddress iface)
    {
        Span<byte> inAddr = stackalloc byte[4];
        iface.TryWriteBytes(inAddr, out _);
        var errno = PosixSocket.SetBytes(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_IF, inAddr);
        if (errno != 0)
        {
            throw new SystemCallException("setsockopt(IP_MULTICAST_IF)", errno);
        }
    }

    protected override void SetMembership(bool join, IPAddress group, IPAddress iface, string groupText, string ifaceText)
    {
        Span<byte> mreq = stackalloc byte[IpMreq.Size];
        IpMreq.Encode(group, iface, mreq);
        var errno = PosixSocket.SetBytes(_fd, Sock.IPPROTO_IP, join ? Sock.IP_ADD_MEMBERSHIP : Sock.IP_DROP_MEMBERSHIP, mreq);
        if (errno != 0)
        {
            throw new MulticastJoinError(groupText, ifaceText, LibC.StrError(errno), new SystemCallException("setsockopt", errno));
        }
    }
}
