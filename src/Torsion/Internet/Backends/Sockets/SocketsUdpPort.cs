using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

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
internal sealed class SocketsUdpPort : DatagramPort, ISocketOwner, ILoopCallback
{
    private readonly SocketsReactor _reactor;
    private readonly byte[] _buffer;
    private readonly EndPoint _anyPeer;
    private Socket? _socket;
    private SocketOperation? _receive;
    private bool _receivePending;

    internal SocketsUdpPort(SocketsReactor reactor, IPEndPoint address, DatagramProtocol protocol, int maxPacketSize, bool listenMultiple)
        : base(reactor, address, protocol, listenMultiple)
    {
        _reactor = reactor;
        _buffer = GC.AllocateArray<byte>(UdpAddresses.ReadSize(maxPacketSize), pinned: true);
        _anyPeer = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    /// <summary>The socket; set before the port opens, and every caller has checked that it is open.</summary>
    private Socket Socket => _socket!;

    internal void StartListening()
    {
        var socket = new Socket(Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        EndPoint? host;
        try
        {
            if (ListenMultiple)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (OperatingSystem.IsLinux())
                {
                    // SO_REUSEPORT (15 on Linux) has no SocketOptionName; without it Linux lets a second
                    // socket bind the same unicast port only if both set it.
                    socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
                }
            }
            socket.Bind(Address);
            host = socket.LocalEndPoint;
            // Sends are tried in place and must never block the loop.
            socket.Blocking = false;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new CannotListenError($"Couldn't listen on UDP {Address}: {e.Message}.", e);
        }
        Open(socket, host);
    }

    /// <summary>Serves a socket bound elsewhere; the port now owns <paramref name="socket"/>.</summary>
    internal void Adopt(Socket socket)
    {
        var host = socket.LocalEndPoint;
        // Sends are tried in place and must never block the loop.
        socket.Blocking = false;
        Open(socket, host);
    }

    private void Open(Socket socket, EndPoint? host)
    {
        _socket = socket;
        RuntimeEventThreads.CompleteInline(socket);
        _receive = new SocketOperation(_reactor, this);
        _receive.SetBuffer(_buffer);
        _reactor.Register(this);
        Begin(host);
    }

    protected override void StartReading()
    {
        // The first receive is posted from the loop, so no datagram reaches the protocol inside ListenUdp.
        _receivePending = true;
        _reactor.CallSoon(this);
    }

    void ILoopCallback.Run()
    {
        _receivePending = false;
        if (!IsListening)
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
            if (!IsListening)
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
        if (!IsListening)
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
                Deliver(_buffer.AsSpan(0, op.BytesTransferred), op.RemoteEndPoint!);
                return true;
            case SocketError.ConnectionRefused:
            // Windows reports ICMP port unreachable on a UDP socket as a reset.
            case SocketError.ConnectionReset:
                Refused();
                return true;
            case SocketError.Interrupted:
            case SocketError.WouldBlock:
            case SocketError.HostUnreachable:
            case SocketError.NetworkUnreachable:
            case SocketError.HostDown:
            case SocketError.NetworkDown:
                // ICMP reports about an earlier datagram, or nothing at all: not a reason to close.
                return true;
            case SocketError.OperationAborted when !IsListening:
                return false;
            default:
                ReactorBase.LogError($"Error receiving on {this}; closing it", new SocketException((int)op.SocketError));
                Close();
                return false;
        }
    }

    protected override SendOutcome TrySend(ReadOnlySpan<byte> data, IPEndPoint? destination, out Exception? cause)
    {
        cause = null;
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
            return SendOutcome.Sent;
        }
        catch (SocketException e)
        {
            switch (e.SocketErrorCode)
            {
                case SocketError.Interrupted:
                    return SendOutcome.Interrupted;
                case SocketError.MessageSize:
                    cause = e;
                    return SendOutcome.TooLong;
                case SocketError.WouldBlock:
                case SocketError.NoBufferSpaceAvailable:
                    return SendOutcome.Dropped;
                case SocketError.ConnectionRefused:
                case SocketError.ConnectionReset:
                    return SendOutcome.Refused;
                default:
                    throw;
            }
        }
    }

    protected override void ConnectSocket(IPEndPoint peer) => _socket!.Connect(peer);

    public void Shutdown(Failure reason) => Close();

    protected override void CloseSocket()
    {
        _reactor.Unregister(this);
        // Closing aborts the pending receive; its completion disposes the operation.
        _socket!.Dispose();
        if (!_receivePending)
        {
            _receive!.Dispose();
        }
    }

    protected override bool BroadcastOption
    {
        get => Socket.EnableBroadcast;
        set => Socket.EnableBroadcast = value;
    }

    protected override int MulticastTtlOption
    {
        get => (int)Socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive)!;
        set => Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, value);
    }

    protected override bool MulticastLoopbackOption
    {
        get => (int)Socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback)! != 0;
        set => Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, value);
    }

    protected override int MulticastInterfaceOption =>
        (int)Socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface)!;

    protected override void SetMulticastInterface(IPAddress iface) =>
        Socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, BitConverter.ToInt32(iface.GetAddressBytes()));

    protected override void SetMembership(bool join, IPAddress group, IPAddress iface, string groupText, string ifaceText)
    {
        try
        {
            Socket.SetSocketOption(SocketOptionLevel.IP, join ? SocketOptionName.AddMembership : SocketOptionName.DropMembership, new MulticastOption(group, iface));
        }
        catch (SocketException e)
        {
            throw new MulticastJoinError(groupText, ifaceText, e.Message, e);
        }
    }
}
