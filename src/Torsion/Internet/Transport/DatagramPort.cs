using System.Net;
using System.Net.Sockets;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What both backends' UDP ports share (Twisted's <c>udp.Port</c> and <c>MulticastMixin</c>): the
/// open/closed state and the protocol's start and stop around it, the rules of <see cref="Write"/>
/// and <see cref="Connect"/>, what a send's outcome means (a full buffer drops the datagram, a
/// too-long one raises <see cref="MessageLengthError"/>, an ICMP refusal reaches a connected
/// port's protocol), the delivery of a datagram, and the checks around the socket options. A
/// backend supplies only its I/O: receiving, one send, the connect call, the options themselves
/// and closing the socket.
/// </summary>
internal abstract class DatagramPort : IMulticastTransport
{
    /// <summary>
    /// At most this many datagrams per readable event (or per pass of the completion loop), so one
    /// busy port cannot starve the loop's other descriptors and timers. Twisted bounds a read by
    /// 256 KiB instead; counting datagrams bounds the per-datagram work (a protocol call each), which
    /// is what costs when datagrams are small.
    /// </summary>
    protected const int DatagramsPerPass = 256;

    private readonly IReactorCore _reactor;
    private readonly ReactorCounters _counters;
    private readonly IPEndPoint _address;
    private readonly DatagramProtocol _protocol;
    private readonly bool _listenMultiple;
    private EndPoint? _host;
    private IPEndPoint? _connected;
    private bool _listening;

    /// <summary>A port for <paramref name="address"/> serving <paramref name="protocol"/>; nothing is opened yet.</summary>
    protected DatagramPort(ReactorBase reactor, IPEndPoint address, DatagramProtocol protocol, bool listenMultiple)
    {
        _reactor = reactor;
        _counters = reactor.Counters;
        _address = address;
        _protocol = protocol;
        _listenMultiple = listenMultiple;
    }

    /// <summary>What a backend's single send attempt came to.</summary>
    protected enum SendOutcome
    {
        /// <summary>The kernel took the datagram.</summary>
        Sent,

        /// <summary>Interrupted by a signal before anything happened: try again.</summary>
        Interrupted,

        /// <summary>No room in the send buffer: the datagram is dropped.</summary>
        Dropped,

        /// <summary>Longer than the kernel will send.</summary>
        TooLong,

        /// <summary>An ICMP refusal of an earlier datagram, reported now; this one was not sent.</summary>
        Refused,
    }

    /// <summary>The address asked for (bound, or to bind).</summary>
    protected IPEndPoint Address => _address;

    /// <summary>The address family of the port, which every peer must share.</summary>
    protected AddressFamily Family => _address.AddressFamily;

    /// <summary>Whether other sockets may bind the same address (ListenMulticast's listenMultiple).</summary>
    protected bool ListenMultiple => _listenMultiple;

    /// <summary>Open: between <see cref="Begin"/> and the close.</summary>
    protected bool IsListening => _listening;

    // ---- backend hooks ------------------------------------------------------------------------------

    /// <summary>Called once the port is open, after the protocol started, unless the protocol already stopped the port.</summary>
    protected abstract void StartReading();

    /// <summary>
    /// Tries one send of <paramref name="data"/>, to <paramref name="destination"/> or, when that is
    /// null, to the connected peer. For <see cref="SendOutcome.TooLong"/> <paramref name="cause"/> is
    /// the backend's error; any other error is thrown.
    /// </summary>
    protected abstract SendOutcome TrySend(ReadOnlySpan<byte> data, IPEndPoint? destination, out Exception? cause);

    /// <summary>Connects the socket to <paramref name="peer"/> (the checks are done); throws on failure.</summary>
    protected abstract void ConnectSocket(IPEndPoint peer);

    /// <summary>Stops receiving and closes the socket; called once, before the protocol stops.</summary>
    protected abstract void CloseSocket();

    /// <summary>SO_BROADCAST.</summary>
    protected abstract bool BroadcastOption { get; set; }

    /// <summary>IP_MULTICAST_TTL.</summary>
    protected abstract int MulticastTtlOption { get; set; }

    /// <summary>IP_MULTICAST_LOOP.</summary>
    protected abstract bool MulticastLoopbackOption { get; set; }

    /// <summary>IP_MULTICAST_IF, read as the int holding a struct in_addr.</summary>
    protected abstract int MulticastInterfaceOption { get; }

    /// <summary>Sets IP_MULTICAST_IF to <paramref name="iface"/> (an IPv4 address); throws on failure.</summary>
    protected abstract void SetMulticastInterface(IPAddress iface);

    /// <summary>Joins or leaves <paramref name="group"/> on <paramref name="iface"/>; throws <see cref="MulticastJoinError"/> when the kernel refuses.</summary>
    protected abstract void SetMembership(bool join, IPAddress group, IPAddress iface, string groupText, string ifaceText);

    // ---- state ----------------------------------------------------------------------------------------

    /// <summary>
    /// Opens the port on a socket the backend has just taken (bound as <paramref name="host"/>):
    /// starts the protocol, then reading.
    /// </summary>
    protected void Begin(EndPoint? host)
    {
        _host = host;
        _listening = true;
        // The protocol starts before reading does, so StartProtocol may set options or connect first;
        // and if it stops the port, reading never starts.
        _protocol.MakeConnection(this);
        if (_listening)
        {
            StartReading();
        }
    }

    /// <summary>Closes the port once: the socket, then the protocol's DoStop.</summary>
    protected void Close()
    {
        if (!_listening)
        {
            return;
        }
        _listening = false;
        CloseSocket();
        _protocol.DoStop();
    }

    private void EnsureOpen()
    {
        if (!_listening)
        {
            throw new InvalidOperationException($"{this} is closed.");
        }
    }

    // ---- receiving ------------------------------------------------------------------------------------

    /// <summary>Hands one datagram to the protocol.</summary>
    protected void Deliver(ReadOnlySpan<byte> datagram, EndPoint from)
    {
        _counters.DatagramBytesReceived += datagram.Length;
        try
        {
            _protocol.DatagramReceived(datagram, from);
        }
        catch (Exception e)
        {
            // As in Twisted: a protocol bug loses one datagram, not the port.
            ReactorBase.LogError($"Unhandled error in DatagramReceived on {this}", e);
        }
    }

    /// <summary>
    /// The kernel reported an ICMP refusal. Only a connected socket hears of it, and there it means
    /// the peer's port is closed: the protocol is told. On an unconnected port it is ignored.
    /// </summary>
    protected void Refused()
    {
        if (_connected is null)
        {
            return;
        }
        try
        {
            _protocol.ConnectionRefused();
        }
        catch (Exception e)
        {
            ReactorBase.LogError($"Unhandled error in ConnectionRefused on {this}", e);
        }
    }

    // ---- IUdpTransport --------------------------------------------------------------------------------

    public void Write(ReadOnlySpan<byte> data, EndPoint? address = null)
    {
        EnsureOpen();
        var destination = UdpAddresses.Destination(address, _connected, Family);
        while (true)
        {
            switch (TrySend(data, destination, out var cause))
            {
                case SendOutcome.Sent:
                    _counters.DatagramBytesSent += data.Length;
                    return;
                case SendOutcome.Interrupted:
                    continue;
                case SendOutcome.TooLong:
                    throw new MessageLengthError($"A {data.Length}-byte datagram is too long to send from {this}.", cause);
                case SendOutcome.Refused:
                    Refused();
                    return;
                default:
                    // Sent, or dropped as a full router queue would drop it: see IUdpTransport.Write.
                    return;
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
        ConnectSocket(peer);
        _connected = peer;
    }

    public EndPoint GetHost() => _host ?? _address;

    public Deferred StopListening()
    {
        Close();
        return Deferred.Succeed();
    }

    public void LoseConnection() => Close();

    public void SetBroadcastAllowed(bool enabled)
    {
        EnsureOpen();
        BroadcastOption = enabled;
    }

    public bool GetBroadcastAllowed()
    {
        EnsureOpen();
        return BroadcastOption;
    }

    // ---- multicast (IPv4) -------------------------------------------------------------------------

    public int TTL
    {
        get
        {
            EnsureOpen();
            return MulticastTtlOption;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 255);
            EnsureOpen();
            MulticastTtlOption = value;
        }
    }

    public bool Loopback
    {
        get
        {
            EnsureOpen();
            return MulticastLoopbackOption;
        }
        set
        {
            EnsureOpen();
            MulticastLoopbackOption = value;
        }
    }

    public string Interface
    {
        get
        {
            EnsureOpen();
            // The option is a struct in_addr; read as an int its bytes are already in network order.
            return new IPAddress(BitConverter.GetBytes(MulticastInterfaceOption)).ToString();
        }
        set
        {
            var ip = UdpAddresses.MulticastInterface(value);
            EnsureOpen();
            SetMulticastInterface(ip);
        }
    }

    public Deferred JoinGroup(string group, string iface = "") =>
        UdpAddresses.ChangeMembership(_reactor, group, iface, (g, i) => ChangeMembership(join: true, g, i, group, iface));

    public Deferred LeaveGroup(string group, string iface = "") =>
        UdpAddresses.ChangeMembership(_reactor, group, iface, (g, i) => ChangeMembership(join: false, g, i, group, iface));

    private void ChangeMembership(bool join, IPAddress group, IPAddress iface, string groupText, string ifaceText)
    {
        EnsureOpen();
        SetMembership(join, group, iface, groupText, ifaceText);
    }

    /// <summary>The backend's class name and the bound address, as in error messages.</summary>
    public override string ToString() => $"{GetType().Name}({_host ?? _address})";
}
