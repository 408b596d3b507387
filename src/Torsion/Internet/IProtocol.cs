using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>What a transport drives (Twisted's <c>IProtocol</c>); most code derives from <see cref="Protocol"/>.</summary>
public interface IProtocol
{
    /// <summary>Attaches the transport and calls <c>ConnectionMade</c>.</summary>
    void MakeConnection(ITransport transport);

    /// <summary>Bytes arrived. The span is valid only during the call: copy what must be kept.</summary>
    void DataReceived(ReadOnlySpan<byte> data);

    /// <summary>
    /// The connection is gone: <paramref name="reason"/> holds a <see cref="ConnectionDone"/> for a
    /// clean close and a <see cref="ConnectionLost"/> otherwise.
    /// </summary>
    void ConnectionLost(Failure reason);
}
