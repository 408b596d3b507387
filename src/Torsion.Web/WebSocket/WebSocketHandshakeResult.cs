using System.Text;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// A server's verdict on an upgrade request (<see cref="WebSocketHandshake.CheckRequest"/>): accepted
/// (status 101, with the headers to send) or refused with an HTTP error status, a reason and any headers
/// the error must carry (426 carries <c>Sec-WebSocket-Version: 13</c>).
/// </summary>
public sealed class WebSocketHandshakeResult
{
    internal WebSocketHandshakeResult(int statusCode, string reason, Headers responseHeaders, string? accept, string? subprotocol, bool perMessageDeflate = false)
    {
        PerMessageDeflate = perMessageDeflate;
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

    /// <summary>Whether permessage-deflate was accepted (pass it on to <see cref="WebSocketProtocol.Initialize"/>).</summary>
    public bool PerMessageDeflate { get; }

    /// <summary>
    /// The whole HTTP/1.1 answer as bytes, for a server that writes responses itself: the 101 head with
    /// <see cref="ResponseHeaders"/>; or the error status with those headers, <c>Connection: close</c>
    /// and <see cref="Reason"/> as a text/plain body (the caller then closes the connection).
    /// </summary>
    public byte[] FormatResponse()
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(StatusCode).Append(' ').Append(Phrase(StatusCode)).Append("\r\n");
        foreach (var (name, value) in ResponseHeaders)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (IsAccepted)
        {
            return Encoding.Latin1.GetBytes(head.Append("\r\n").ToString());
        }
        var body = Encoding.UTF8.GetBytes(Reason + "\n");
        head.Append("Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n");
        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    /// <summary>An error answer of <paramref name="statusCode"/> for a request refused before the handshake could be judged (a malformed head).</summary>
    /// <param name="statusCode">The HTTP status (400, 414, 431, 505…).</param>
    /// <param name="reason">Why.</param>
    public static WebSocketHandshakeResult Refused(int statusCode, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new(statusCode, reason ?? "", new Headers(), null, null);
    }

    private static string Phrase(int status) => status switch
    {
        101 => "Switching Protocols",
        400 => "Bad Request",
        413 => "Content Too Large",
        414 => "URI Too Long",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
}
