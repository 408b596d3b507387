using System.Text;
using Torsion.Web.Server;

namespace Torsion.Web.WebSocket;

/// <summary>
/// A resource that upgrades its requests to WebSocket (twisted.web.websocket's <c>WebSocketResource</c>):
/// put it anywhere in a <see cref="Site"/>'s tree; a GET that asks for an upgrade is answered
/// <c>101 Switching Protocols</c> and the connection is handed to a new protocol through
/// <see cref="Request.Upgrade"/>; anything else gets the handshake's error answer (400, or 426 with
/// <c>Sec-WebSocket-Version: 13</c>). The site's limits and timeouts govern the request; the
/// <see cref="WebSocketOptions"/> govern the connection after it.
/// </summary>
public sealed class WebSocketResource : Resource
{
    private readonly Func<Request, WebSocketProtocol> _protocol;

    /// <summary>Creates the resource.</summary>
    /// <param name="protocol">Makes the protocol for each accepted upgrade; it sees the request (path, headers, cookies, client address) to decide what to serve.</param>
    /// <param name="options">Limits and timeouts for the connections; null for the defaults.</param>
    public WebSocketResource(Func<Request, WebSocketProtocol> protocol, WebSocketOptions? options = null)
    {
        _protocol = protocol ?? throw new ArgumentNullException(nameof(protocol));
        Options = options ?? new WebSocketOptions();
    }

    /// <summary>The options given to every connection.</summary>
    public WebSocketOptions Options { get; }

    /// <summary>The subprotocols this resource speaks, most preferred first (empty: none is chosen).</summary>
    public IList<string> Subprotocols { get; } = new List<string>();

    /// <summary>Every path below this resource is served by it, as twisted.web's is.</summary>
    public override bool IsLeaf => true;

    /// <inheritdoc/>
    protected override RenderResult RenderGet(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = WebSocketHandshake.CheckRequest(request.Method, request.Version, request.RequestHeaders, [.. Subprotocols], HasBody(request), Options.PerMessageDeflate);
        foreach (var (name, value) in result.ResponseHeaders)
        {
            request.ResponseHeaders.Add(name, value);
        }
        if (!result.IsAccepted)
        {
            request.SetResponseCode(result.StatusCode);
            request.SetHeader("Content-Type", "text/plain; charset=utf-8");
            return Encoding.UTF8.GetBytes(result.Reason + "\n");
        }
        var protocol = _protocol(request);
        protocol.Initialize(WebSocketRole.Server, request.Site.Clock, Options, result.Subprotocol, request.Path, request.RequestHeaders, result.PerMessageDeflate);
        request.Upgrade(protocol);
        return RenderResult.NotDoneYet;
    }

    // An upgrade request carries no body (RFC 6455 §4.1); one that does is refused by the handshake.
    private static bool HasBody(Request request) =>
        request.RequestHeaders.Contains("Transfer-Encoding")
        || (request.RequestHeaders.Get("Content-Length") is { } length && length.Trim() != "0");
}
