using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet.Backends;
using Torsion.Internet.Udp;

namespace Torsion.Internet.Sockets;

/// <summary>
/// A UDP port on the completion reactor. One <c>ReceiveFromAsync</c> is outstanding at a time, re-posted
/// after each datagram; receives that complete synchronously (datagrams already queued) are handled in a
/// bounded batch per pass, as the readiness port bounds its reads per event. Writes are synchronous
/// non-blocking sends: a datagram goes whole or not at all, so there is nothing to queue.
/// </summary>
/// <remarks>
/// The port owns its receive buffer rather than using the loop's shared one: an outstanding receive is
/// filled on a runtime thread at any time, so its buffer cannot be shared with other ports. A zero-byte
/// "wait for data" receive, as TCP connections use, would consume and discard a whole datagram.
/// </remarks>
internal sealed class SocketsUdpPort : IMulticastTransport, ISocketOwner, ILoopCallback
{
    private const int DatagramsPerPass = 256;

    private readonly SocketsReactor _reactor;
    private readonly IPEndPoint _address;
    private readonly DatagramProtocol _protocol;
    private readonly byte[] _buffer;
    private readonly bool _listenMultiple;
    private readonly EndPoint _anyPeer;
    private Socket? _socket;
    private SocketOperation? _receive;
    private EndPoint? _host;
    private IPEndPoint? _connected;
    private bool _listening;
    private bool _receivePending;

    internal SocketsUdpPort(SocketsReactor reactor, IPEndPoint address, DatagramProtocol protocol, int maxPacketSize, bool listenMultiple)
    {
        _reactor = reactor;
        _address = address;
        _protocol = protocol;
        _buffer = GC.AllocateArray<byte>(UdpAddresses.ReadSize(maxPacketSize), pinned: true);
        _listenMultiple = listenMultiple;
        _anyPeer = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    private Socket Socket => _socket ?? throw new InvalidOperationException($"{this} is not listening.");

    internal void StartListening()
    {
        var socket = new Socket(_address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_listenMultiple)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (OperatingSystem.IsLinux())
                {
                    // SO_REUSEPORT (15 on Linux) has no SocketOptionName; without it Linux lets a second
                    // socket bind the same unicast port only if both set it.
                    socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
                }
            }
            socket.Bind(_address);
            _host = socket.LocalEndPoint;
            // Sends are tried in place and must never block the loop.
            socket.Blocking = false;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new CannotListenError($"Couldn't listen on UDP {_address}: {e.Message}.", e);
        }
        Begin(socket);
    }

    /// <summary>Serves a socket bound elsewhere; the port now owns <paramref name="socket"/>.</summary>
    internal void Adopt(Socket socket)
    {
        _host = socket.LocalEndPoint;
        // Sends are tried in place and must never block the loop.
        socket.Blocking = false;
        Begin(socket);
    }

    private void Begin(Socket socket)
    {
        _socket = socket;
        RuntimeEventThreads.CompleteInline(socket);
        _receive = new SocketOperation(_reactor, this);
        _receive.SetBuffer(_buffer);
        _listening = true;
        _reactor.Register(this);
        _protocol.MakeConnection(this);
        if (_listening)
        {
            // The first receive is posted from the loop, so no datagram reaches the protocol inside ListenUdp.
            _receivePending = true;
            _reactor.CallSoon(this);
        }
    }

    void ILoopCallback.Run()
    {
        _receivePending = false;
        if (!_listening)
        {
            _receive!.Dispose();
            return;
        }
        ReceiveLoop();
    }

    private void ReceiveLoop()
    {
        for (var i = 0; i < DatagramsPerPass; i++)
        {
            if (!_listening)
            {
                return;
            }
            var op = _receive!;
            op.RemoteEndPoint = _anyPeer;
            _receivePending = true;
            bool pending;
            try
            {
                pending = _socket!.ReceiveFromAsync(op);
            }
            catch (ObjectDisposedException)
            {
                _receivePending = false;
                return;
            }
            if (pending)
            {
                return;
            }
            _receivePending = false;
            if (!HandleReceive(op))
            {
                return;
            }
        }
        // More datagrams are waiting: go on from the next pass, after other work has had a turn.
        _receivePending = true;
        _reactor.CallSoon(this);
    }

    public void Completed(SocketOperation operation)
    {
        _receivePending = false;
        if (!_listening)
        {
            operation.Dispose();
            return;
        }
        if (HandleReceive(operation))
        {
            ReceiveLoop();
        }
    }

    /// <summary>Takes one receive result; false when receiving must stop.</summary>
    private bool HandleReceive(SocketOperation op)
    {
        switch (op.SocketError)
        {
            case SocketError.Success:
            // Windows reports a datagram longer than the buffer as an error; the buffer holds its start,
            // which is what a truncating read delivers on the readiness backends.
            case SocketError.MessageSize:
                try
                {
                    _protocol.DatagramReceived(_buffer.AsSpan(0, op.BytesTransferred), op.RemoteEndPoint!);
                }
                catch (Exception e)
                {
                    // As in Twisted: a protocol bug loses one datagram, not the port.
                    ReactorBase.LogError($"Unhandled error in DatagramReceived on {this}", e);
                }
                return true;
            case SocketError.ConnectionRefused:
            // Windows reports ICMP port unreachable on a UDP socket as a reset.
            case SocketError.ConnectionReset:
                if (_connected is not null)
                {
                    Refused();
                }
                return true;
            case SocketError.Interrupted:
            case SocketError.WouldBlock:
            case SocketError.HostUnreachable:
            case SocketError.NetworkUnreachable:
            case SocketError.HostDown:
            case SocketError.NetworkDown:
                // ICMP reports about an earlier datagram, or nothing at all: not a reason to close.
                return true;
            case SocketError.OperationAborted when !_listening:
                return false;
            default:
                ReactorBase.LogError($"Error receiving on {this}; closing it", new SocketException((int)op.SocketError));
                Close();
                return false;
        }
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
        var destination = UdpAddresses.Destination(address, _connected, _address.AddressFamily);
        while (true)
        {
            try
            {
                if (destination is null)
                {
                    _socket!.Send(data, SocketFlags.None);
                }
                else
                {
                    _socket!.SendTo(data, SocketFlags.None, destination);
                }
                return;
            }
            catch (SocketException e)
            {
                switch (e.SocketErrorCode)
                {
                    case SocketError.Interrupted:
                        continue;
                    case SocketError.MessageSize:
                        throw new MessageLengthError($"A {data.Length}-byte datagram is too long to send from {this}.", e);
                    case SocketError.WouldBlock:
                    case SocketError.NoBufferSpaceAvailable:
                        // Dropped, as a full router queue would drop it: see IUdpTransport.Write.
                        return;
                    case SocketError.ConnectionRefused:
                    case SocketError.ConnectionReset:
                        // An ICMP refusal of an earlier datagram, reported now; this one was not sent.
                        if (_connected is not null)
                        {
                            Refused();
                        }
                        return;
                    default:
                        throw;
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
        var peer = UdpAddresses.ConnectAddress(host, port, _address.AddressFamily);
        _socket!.Connect(peer);
        _connected = peer;
    }

    public EndPoint GetHost() => _host ?? _address;

    public Deferred StopListening()
    {
        Close();
        return Deferred.Succeed();
    }

    public void LoseConnection() => Close();

    public void Shutdown(Failure reason) => Close();

    private void Close()
    {
        if (!_listening)
        {
            return;
        }
        _listening = false;
        _reactor.Unregister(this);
        // Closing aborts the pending receive; its completion disposes the operation.
        _socket!.Dispose();
        if (!_receivePending)
        {
            _receive!.Dispose();
        }
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
        Socket.EnableBroadcast = enabled;
    }

    public bool GetBroadcastAllowed()
    {
        EnsureOpen();
        return Socket.EnableBroadcast;
    }

    // ---- multicast (IPv4) -------------------------------------------------------------------------

    public int TTL
    {
        get
        {
            EnsureOpen();
            return (int)Socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive)!;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 255);
            EnsureOpen();
            Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, value);
        }
    }

    public bool Loopback
    {
        get
        {
            EnsureOpen();
            return (int)Socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback)! != 0;
        }
        set
        {
            EnsureOpen();
            Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, value);
        }
    }

    public string Interface
    {
        get
        {
            EnsureOpen();
            // The option is a struct in_addr; as an int its bytes are already in network order.
            var raw = (int)Socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface)!;
            return new IPAddress(BitConverter.GetBytes(raw)).ToString();
        }
        set
        {
            var ip = UdpAddresses.MulticastInterface(value);
            EnsureOpen();
            Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, BitConverter.ToInt32(ip.GetAddressBytes()));
        }
    }

    public Deferred JoinGroup(string group, string iface = "") =>
        UdpAddresses.ChangeMembership(_reactor, group, iface, (g, i) => ChangeMembership(SocketOptionName.AddMembership, g, i, group, iface));

    public Deferred LeaveGroup(string group, string iface = "") =>
        UdpAddresses.ChangeMembership(_reactor, group, iface, (g, i) => ChangeMembership(SocketOptionName.DropMembership, g, i, group, iface));

    private void ChangeMembership(SocketOptionName option, IPAddress group, IPAddress iface, string groupText, string ifaceText)
    {
        EnsureOpen();
        try
        {
            Socket.SetSocketOption(SocketOptionLevel.IP, option, new MulticastOption(group, iface));
        }
        catch (SocketException e)
        {
            throw new MulticastJoinError(groupText, ifaceText, e.Message, e);
        }
    }

    public override string ToString() => $"SocketsUdpPort({_host ?? _address})";
}
