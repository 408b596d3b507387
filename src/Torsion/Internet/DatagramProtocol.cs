using System.Net;

namespace Torsion.Internet;

/// <summary>
/// The base class for datagram (UDP) protocols (Twisted's <c>DatagramProtocol</c>): override
/// <see cref="DatagramReceived"/>, and <see cref="StartProtocol"/>/<see cref="StopProtocol"/> for set-up
/// and tear-down. All of them run on the reactor thread, so a protocol never needs a lock.
/// </summary>
/// <remarks>
/// A protocol may be attached to more than one port; <see cref="DoStart"/> and <see cref="DoStop"/> count
/// them, so <see cref="StartProtocol"/> runs when the first port starts and <see cref="StopProtocol"/>
/// when the last one stops, as Twisted's <c>AbstractDatagramProtocol</c> does.
/// </remarks>
public abstract class DatagramProtocol
{
    private IUdpTransport? _transport;
    private int _numPorts;

    /// <summary>The port this protocol is attached to.</summary>
    /// <exception cref="InvalidOperationException">The protocol is not started (never attached, or stopped).</exception>
    public IUdpTransport Transport => _transport ?? throw new InvalidOperationException($"{GetType().Name} has no transport: it is not listening.");

    /// <summary>How many ports are using this protocol.</summary>
    public int NumPorts => _numPorts;

    /// <summary>Attaches <paramref name="transport"/> and starts the protocol; called by the port as it starts listening.</summary>
    public void MakeConnection(IUdpTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        DoStart();
    }

    /// <summary>Called by a port as it starts; the first call runs <see cref="StartProtocol"/>.</summary>
    public void DoStart()
    {
        // Counted before StartProtocol, so a StartProtocol that throws still leaves the count matching
        // the DoStop the port will make when it closes.
        if (_numPorts++ == 0)
        {
            StartProtocol();
        }
    }

    /// <summary>Called by a port as it stops; the last call detaches the transport and runs <see cref="StopProtocol"/>.</summary>
    public void DoStop()
    {
        if (_numPorts == 0)
        {
            return;
        }
        if (--_numPorts == 0)
        {
            _transport = null;
            StopProtocol();
        }
    }

    /// <summary>Runs when the protocol starts listening on its first port; <see cref="Transport"/> is set.</summary>
    public virtual void StartProtocol() { }

    /// <summary>Runs after the last port this protocol listened on has closed.</summary>
    public virtual void StopProtocol() { }

    /// <summary>
    /// A datagram arrived from <paramref name="from"/>. <paramref name="data"/> is valid only during the
    /// call (it lies in a buffer the next read reuses): copy what must outlive it. A datagram longer than the
    /// port's maximum packet size arrives truncated to it.
    /// </summary>
    public virtual void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from) { }

    /// <summary>
    /// On a connected port (<see cref="IUdpTransport.Connect"/>): an earlier datagram was refused, usually
    /// because nothing listens on the peer's port (ICMP port unreachable). The port stays open.
    /// </summary>
    public virtual void ConnectionRefused() { }
}
