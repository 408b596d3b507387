using System.Net;

namespace Torsion.Internet;

/// <summary>
/// The byte stream a protocol talks through (Twisted's <c>ITransport</c>). Every method is called
/// on the reactor thread.
/// </summary>
public interface ITransport
{
    /// <summary>
    /// Sends <paramref name="data"/>. Never blocks and never loses data: what the kernel does not
    /// take at once is copied into the transport's buffer and sent as the peer reads. The span may
    /// be reused as soon as the call returns.
    /// </summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Sends several buffers in order, as one write where the transport can.</summary>
    void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data);

    /// <summary>Closes the connection once everything written has been sent (and a registered producer has unregistered).</summary>
    void LoseConnection();

    /// <summary>
    /// True once <see cref="LoseConnection"/> (or an abort) has been asked for, or the connection is
    /// gone (Twisted's <c>transport.disconnecting</c>). Framing protocols read it to stop delivering
    /// messages that arrived in the same read as the one that closed the connection. A transport that
    /// does not track its closing keeps this default and reports false.
    /// </summary>
    bool Disconnecting { get; }

    /// <summary>The remote address.</summary>
    EndPoint GetPeer();

    /// <summary>The local address.</summary>
    EndPoint GetHost();
}
