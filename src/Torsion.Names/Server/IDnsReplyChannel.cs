using System.Net;
using Torsion.Names.Wire;

namespace Torsion.Names.Server;

/// <summary>Where a query came in and its answers go out: the UDP port or one TCP connection.</summary>
internal interface IDnsReplyChannel
{
    /// <summary>TCP (length-prefixed, no size limit but 65535), not UDP.</summary>
    bool IsStream { get; }

    /// <summary>Whether answers can still be sent (a TCP connection may have closed while a lookup ran).</summary>
    bool IsOpen { get; }

    /// <summary>Sends <paramref name="response"/> to <paramref name="peer"/>, truncated (TC) to <paramref name="maxLength"/> bytes.</summary>
    void Reply(DnsMessage response, EndPoint peer, int maxLength);

    /// <summary>Sends the <paramref name="length"/> bytes already written at offset 2 of the factory's write buffer (the two before are free for a length prefix).</summary>
    void SendWritten(int length, EndPoint peer);

    /// <summary>Sends <paramref name="response"/> whole over a stream; false, sending nothing, when it exceeds 65535 bytes.</summary>
    bool TryReplyWhole(DnsMessage response);
}
