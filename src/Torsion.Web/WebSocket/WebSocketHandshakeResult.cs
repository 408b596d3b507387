using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// A server's verdict on an upgrade request (<see cref="WebSocketHandshake.CheckRequest"/>): accepted
/// (status 101, with the headers to send) or refused with an HTTP error status, a reason and any headers
/// the error must carry (426 carries <c>Sec-WebSocket-Version: 13</c>).
/// </summary>
public sealed class WebSocketHandshakeResult
{
    internal WebSocketHandshakeResult(int statusCode, string reason, Headers responseHeaders, string? accept, string? subprotocol)
    {
        StatusCode = statusCode;
        Reason = reason;
        ResponseHeaders = responseHeaders;
        Accept = accept;
        Subprotocol = subprotocol;
    }

    /// <summary>True when the upgrade is accepted (<see cref="StatusCode"/> is 101).</summary>
    public bool IsAccepted => StatusCode == 101;

    /// <summary>101, or the HTTP error status to answer with (400, 426).</summary>
    public int StatusCode { get; }

    /// <summary>Why the request was refused (for the error body and logs); empty when accepted.</summary>
    public string Reason { get; }

    /// <summary>
    /// The headers to send with the status: for 101, <c>Upgrade</c>, <c>Connection</c>,
    /// <c>Sec-WebSocket-Accept</c> and, when one was chosen, <c>Sec-WebSocket-Protocol</c>.
    /// </summary>
    public Headers ResponseHeaders { get; }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value, when accepted.</summary>
    public string? Accept { get; }

    /// <summary>The chosen subprotocol, or null.</summary>
    public string? Subprotocol { get; }
}
