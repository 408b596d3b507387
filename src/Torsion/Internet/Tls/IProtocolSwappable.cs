namespace Torsion.Internet;

/// <summary>
/// A transport whose protocol can be replaced while connected, which is what StartTls needs: the
/// TLS wrapper takes the protocol's place under the transport, and the protocol moves above it.
/// </summary>
internal interface IProtocolSwappable
{
    /// <summary>The protocol the transport delivers to now.</summary>
    IProtocol Protocol { get; }

    /// <summary>Delivers to <paramref name="protocol"/> from now on; the next read goes to it.</summary>
    void SwapProtocol(IProtocol protocol);
}
