using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// The base class for stream protocols (Twisted's <c>Protocol</c>): override
/// <see cref="ConnectionMade"/>, <see cref="DataReceived"/> and <see cref="ConnectionLost"/>.
/// All of them run on the reactor thread, so a protocol never needs a lock.
/// </summary>
public abstract class Protocol : IProtocol
{
    private ITransport? _transport;

    /// <summary>The transport, once connected.</summary>
    /// <exception cref="InvalidOperationException">The protocol has not been connected yet.</exception>
    public ITransport Transport => _transport ?? NotConnected();

    /// <summary>True from <see cref="MakeConnection"/> until <see cref="ConnectionLost"/>.</summary>
    public bool Connected { get; private set; }

    /// <summary>The factory that built this protocol, if any.</summary>
    public Factory? Factory { get; set; }

    /// <inheritdoc />
    public void MakeConnection(ITransport transport)
    {
        _transport = transport;
        Connected = true;
        ConnectionMade();
    }

    /// <summary>Points <see cref="Transport"/> at a new transport without a second ConnectionMade (StartTls).</summary>
    internal void ReplaceTransport(ITransport transport) => _transport = transport;

    /// <summary>Called once the transport is attached.</summary>
    public virtual void ConnectionMade() { }

    /// <inheritdoc />
    public virtual void DataReceived(ReadOnlySpan<byte> data) { }

    void IProtocol.ConnectionLost(Failure reason)
    {
        Connected = false;
        ConnectionLost(reason);
    }

    /// <summary>Called once when the connection ends; see <see cref="IProtocol.ConnectionLost"/>.</summary>
    public virtual void ConnectionLost(Failure reason) { }

    // Kept out of the getter so the getter stays small enough to inline into every DataReceived.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private ITransport NotConnected() => throw new InvalidOperationException($"{GetType().Name} has no transport: it is not connected.");
}
