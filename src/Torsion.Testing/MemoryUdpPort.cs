using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// The fake port a <see cref="MemoryReactor"/> returns from <c>ListenUdp</c>/<c>ListenMulticast</c>: it starts
/// its protocol as a real port does, records every datagram written and every option set, and lets a test
/// deliver datagrams with <see cref="Receive"/>.
/// </summary>
public sealed class MemoryUdpPort : IMulticastTransport
{
    private readonly EndPoint _host;
    private readonly DatagramProtocol _protocol;
    private readonly List<(byte[] Data, EndPoint? Address)> _written = new();
    private readonly HashSet<(string Group, string Interface)> _groups = new();
    private bool _broadcast;
    private int _ttl = 1;

    /// <summary>Creates a port that reports <paramref name="host"/> as its address; call <see cref="Start"/> to start the protocol.</summary>
    public MemoryUdpPort(EndPoint host, DatagramProtocol protocol)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _protocol = protocol ?? throw new ArgumentNullException(nameof(protocol));
    }

    /// <summary>True from <see cref="Start"/> until <see cref="StopListening"/>.</summary>
    public bool Listening { get; private set; }

    /// <summary>Every datagram written, with the address it was written to (null when connected and none was given).</summary>
    public IReadOnlyList<(byte[] Data, EndPoint? Address)> Written => _written;

    /// <summary>The peer given to <see cref="Connect"/>, if any.</summary>
    public IPEndPoint? ConnectedTo { get; private set; }

    /// <summary>The groups currently joined, with the interface each was joined on.</summary>
    public IReadOnlyCollection<(string Group, string Interface)> Groups => _groups;

    /// <summary>Starts the protocol on this port, as a real port does when it binds.</summary>
    public void Start()
    {
        Listening = true;
        _protocol.MakeConnection(this);
    }

    /// <summary>Delivers a datagram to the protocol, as if it had arrived from <paramref name="from"/>.</summary>
    public void Receive(ReadOnlySpan<byte> data, EndPoint from) => _protocol.DatagramReceived(data, from);

    /// <summary>Records the datagram; checks the address rules a real port checks.</summary>
    public void Write(ReadOnlySpan<byte> data, EndPoint? address = null)
    {
        if (!Listening)
        {
            throw new InvalidOperationException("The port is closed.");
        }
        if (address is null && ConnectedTo is null)
        {
            throw new InvalidOperationException("This UDP port is not connected: Write needs an address.");
        }
        _written.Add((data.ToArray(), address));
    }

    /// <summary>Records the peer; a port can be connected once, to an IP literal.</summary>
    public void Connect(string host, int port)
    {
        if (ConnectedTo is not null)
        {
            throw new InvalidOperationException("Already connected.");
        }
        if (!IPAddress.TryParse(host, out var ip))
        {
            throw new ArgumentException($"'{host}' is not an IP address.", nameof(host));
        }
        ConnectedTo = new IPEndPoint(ip, port);
    }

    /// <inheritdoc />
    public EndPoint GetHost() => _host;

    /// <summary>Stops the protocol (once) and returns an already-fired Deferred.</summary>
    public Deferred StopListening()
    {
        if (Listening)
        {
            Listening = false;
            _protocol.DoStop();
        }
        return Deferred.Succeed();
    }

    /// <inheritdoc />
    public void LoseConnection() => StopListening();

    /// <inheritdoc />
    public void SetBroadcastAllowed(bool enabled) => _broadcast = enabled;

    /// <inheritdoc />
    public bool GetBroadcastAllowed() => _broadcast;

    /// <summary>Records the group; always succeeds.</summary>
    public Deferred JoinGroup(string group, string iface = "")
    {
        _groups.Add((group, iface));
        return Deferred.Succeed();
    }

    /// <summary>Forgets the group; fails with <see cref="MulticastJoinError"/> if it was not joined, as the kernel does.</summary>
    public Deferred LeaveGroup(string group, string iface = "") =>
        _groups.Remove((group, iface)) ? Deferred.Succeed() : Deferred.Fail(new MulticastJoinError(group, iface, "not a member"));

    /// <inheritdoc />
    public int TTL
    {
        get => _ttl;
        set => _ttl = value is >= 0 and <= 255 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A TTL is 0..255.");
    }

    /// <inheritdoc />
    public bool Loopback { get; set; } = true;

    /// <inheritdoc />
    public string Interface { get; set; } = "0.0.0.0";
}
