using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet.Backends;
using Torsion.Internet.Posix;

namespace Torsion.Internet.Udp;

/// <summary>
/// A UDP port on a readiness reactor: one non-blocking datagram socket, read when readable, written
/// straight through (a datagram is sent whole or not at all, so there is nothing to buffer). It serves
/// both <c>ListenUdp</c> and <c>ListenMulticast</c>; the former hands it out as a plain <see cref="IUdpTransport"/>.
/// </summary>
internal sealed unsafe class UdpPort : IReadDescriptor, IMulticastTransport
{
    /// <summary>
    /// At most this many datagrams per readable event, so one busy port cannot starve the loop's other
    /// descriptors and timers. Twisted bounds a read by 256 KiB instead; counting datagrams bounds the
    /// per-datagram work (a protocol call each), which is what costs when datagrams are small.
    /// </summary>
    private const int DatagramsPerEvent = 256;

    private readonly PosixReactor _reactor;
    private readonly IPEndPoint _address;
    private readonly DatagramProtocol _protocol;
    private readonly int _readSize;
    private readonly bool _listenMultiple;
    private int _fd = -1;
    private EndPoint? _host;
    private IPEndPoint? _connected;
    private bool _listening;

    internal UdpPort(PosixReactor reactor, IPEndPoint address, DatagramProtocol protocol, int maxPacketSize, bool listenMultiple)
    {
        _reactor = reactor;
        _address = address;
        _protocol = protocol;
        _readSize = UdpAddresses.ReadSize(maxPacketSize);
        _listenMultiple = listenMultiple;
    }

    public int FileDescriptor => _fd;

    private AddressFamily Family => _address.AddressFamily;

    internal void StartListening()
    {
        var fd = PosixSocket.Create(SockAddr.FamilyOf(_address), Sock.SOCK_DGRAM);
        try
        {
            if (_listenMultiple)
            {
                PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1);
                PosixSocket.SetInt(fd, Sock.SOL_SOCKET, Sock.SO_REUSEPORT, 1);
            }
            var errno = PosixSocket.Bind(fd, _address);
            if (errno != 0)
            {
                throw new CannotListenError($"Couldn't listen on UDP {_address}: {LibC.StrError(errno)}.", new SystemCallException("bind", errno));
            }
            _host = PosixSocket.GetSockName(fd);
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }
        Begin(fd);
    }

    /// <summary>Serves a socket bound elsewhere; <paramref name="fd"/> is already non-blocking and now owned by the port.</summary>
    internal void Adopt(int fd, EndPoint host)
    {
        _host = host;
        Begin(fd);
    }

    private void Begin(int fd)
    {
        _fd = fd;
        _listening = true;
        // The protocol starts before reading does, so StartProtocol may set options or connect first;
        // and if it stops the port, reading never starts.
        _protocol.MakeConnection(this);
        if (_listening)
        {
            _reactor.AddReader(this);
        }
    }

    public Failure? DoRead()
    {
        var addr = stackalloc byte[SockAddr.MaxSize];
        fixed (byte* buffer = _reactor.ReceiveBuffer)
        {
            for (var i = 0; i < DatagramsPerEvent && _listening; i++)
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
                            // The kernel reports an ICMP refusal once, on the next call; only a connected
                            // socket hears of it, and there it means the peer's port is closed.
                            if (_connected is not null)
                            {
                                Refused();
                            }
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
                try
                {
                    _protocol.DatagramReceived(new ReadOnlySpan<byte>(buffer, (int)n), from);
                }
                catch (Exception e)
                {
                    // As in Twisted: a protocol bug loses one datagram, not the port.
                    ReactorBase.LogError($"Unhandled error in DatagramReceived on {this}", e);
                }
            }
        }
        return null;
    }

    private void Refused()
    {
        try
        {
            _protocol.ConnectionRefused();
        }
        catch (Exception e)
        {
            ReactorBase.LogError($"Unhandled error in ConnectionRefused on {this}", e);
        }
    }

    public void Write(ReadOnlySpan<byte> data, EndPoint? address = null)
    {
        EnsureOpen();
        var destination = UdpAddresses.Destination(address, _connected, Family);
        var sa = stackalloc byte[SockAddr.MaxSize];
        var saLen = destination is null ? 0 : SockAddr.Encode(destination, new Span<byte>(sa, SockAddr.MaxSize));
        fixed (byte* p = data)
        {
            while (true)
            {
                var n = destination is null
                    ? LibC.Send(_fd, p, data.Length, Sock.MSG_NOSIGNAL | Sock.MSG_DONTWAIT)
                    : LibC.SendTo(_fd, p, data.Length, Sock.MSG_NOSIGNAL, sa, saLen);
                if (n >= 0)
                {
                    return;
                }
                var errno = LibC.LastErrno;
                switch (errno)
                {
                    case Errno.EINTR:
                        continue;
                    case Errno.EMSGSIZE:
                        throw new MessageLengthError($"A {data.Length}-byte datagram is too long to send from {this}.", new SystemCallException("sendto", errno));
                    case Errno.EAGAIN:
                    case Errno.ENOBUFS:
                        // Dropped, as a full router queue would drop it: see IUdpTransport.Write.
                        return;
                    case Errno.ECONNREFUSED:
                        // An ICMP refusal of an earlier datagram, reported now; this one was not sent.
                        if (_connected is not null)
                        {
                            Refused();
                        }
                        return;
                    default:
                        throw new SystemCallException(destination is null ? "send" : "sendto", errno);
                }
            }
        }
    }

    public void Connect(string host, int port)
    {
        EnsureOpen();
        if (_connected is not null)
        {
            throw new InvalidOperationException($"{this} is already connected to {_connected}; reconnecting is not supported.");
        }
        var peer = UdpAddresses.ConnectAddress(host, port, Family);
        var errno = PosixSocket.Connect(_fd, peer);
        if (errno != 0)
        {
            throw new SystemCallException("connect", errno);
        }
        _connected = peer;
    }

    public EndPoint GetHost() => _host ?? _address;

    public Deferred StopListening()
    {
        Close();
        return Deferred.Succeed();
    }

    public void LoseConnection() => Close();

    public void ConnectionLost(Failure reason) => Close();

    private void Close()
    {
        if (!_listening)
        {
            return;
        }
        _listening = false;
        _reactor.RemoveReader(this);
        LibC.Close(_fd);
        _protocol.DoStop();
    }

    private void EnsureOpen()
    {
        if (!_listening)
        {
            throw new InvalidOperationException($"{this} is closed.");
        }
    }

    public void SetBroadcastAllowed(bool enabled)
    {
        EnsureOpen();
        PosixSocket.SetInt(_fd, Sock.SOL_SOCKET, Sock.SO_BROADCAST, enabled ? 1 : 0);
    }

    public bool GetBroadcastAllowed()
    {
        EnsureOpen();
        return PosixSocket.GetInt(_fd, Sock.SOL_SOCKET, Sock.SO_BROADCAST) != 0;
    }

    // ---- multicast (IPv4) -------------------------------------------------------------------------

    public int TTL
    {
        get
        {
            EnsureOpen();
            return PosixSocket.GetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_TTL);
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 255);
            EnsureOpen();
            PosixSocket.SetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_TTL, value);
        }
    }

    public bool Loopback
    {
        get
        {
            EnsureOpen();
            return PosixSocket.GetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_LOOP) != 0;
        }
        set
        {
            EnsureOpen();
            PosixSocket.SetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_LOOP, value ? 1 : 0);
        }
    }

    public string Interface
    {
        get
        {
            EnsureOpen();
            // The kernel returns a struct in_addr; read as an int its bytes are already in network order.
            var raw = PosixSocket.GetInt(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_IF);
            return new IPAddress(BitConverter.GetBytes(raw)).ToString();
        }
        set
        {
            var ip = UdpAddresses.MulticastInterface(value);
            EnsureOpen();
            Span<byte> inAddr = stackalloc byte[4];
            ip.TryWriteBytes(inAddr, out _);
            var errno = PosixSocket.SetBytes(_fd, Sock.IPPROTO_IP, Sock.IP_MULTICAST_IF, inAddr);
            if (errno != 0)
            {
                throw new SystemCallException("setsockopt(IP_MULTICAST_IF)", errno);
            }
        }
    }

    public Deferred JoinGroup(string group, string iface = "") =>
        UdpAddresses.ChangeMembership(_reactor, group, iface, (g, i) => ChangeMembership(Sock.IP_ADD_MEMBERSHIP, g, i, group, iface));

    public Deferred LeaveGroup(string group, string iface = "") =>
        UdpAddresses.ChangeMembership(_reactor, group, iface, (g, i) => ChangeMembership(Sock.IP_DROP_MEMBERSHIP, g, i, group, iface));

    private void ChangeMembership(int option, IPAddress group, IPAddress iface, string groupText, string ifaceText)
    {
        EnsureOpen();
        Span<byte> mreq = stackalloc byte[IpMreq.Size];
        IpMreq.Encode(group, iface, mreq);
        var errno = PosixSocket.SetBytes(_fd, Sock.IPPROTO_IP, option, mreq);
        if (errno != 0)
        {
            throw new MulticastJoinError(groupText, ifaceText, LibC.StrError(errno), new SystemCallException("setsockopt", errno));
        }
    }

    public override string ToString() => $"UdpPort({_host ?? _address})";
}
