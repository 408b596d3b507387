using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>Connects to WebSocket servers (<c>ws://</c> and <c>wss://</c>).</summary>
public static class WebSocketClient
{
    /// <summary>
    /// Connects to <paramref name="uri"/>, sends the upgrade request with a random key and checks the
    /// answer (101, <c>Upgrade</c>, <c>Connection</c>, <c>Sec-WebSocket-Accept</c>, the subprotocol).
    /// The Deferred fires with the protocol once it is open (after its <c>OnOpen</c>), or fails with the
    /// connection error or a <see cref="WebSocketHandshakeException"/>. <c>wss://</c> goes through the
    /// core's TLS client (system trust unless <paramref name="tls"/> says otherwise).
    /// </summary>
    /// <typeparam name="T">The protocol type.</typeparam>
    /// <param name="reactor">The reactor.</param>
    /// <param name="uri">A <c>ws://</c> or <c>wss://</c> URI.</param>
    /// <param name="protocol">Makes the protocol, once the handshake succeeded.</param>
    /// <param name="headers">Extra request headers (e.g. Origin, Authorization), or null.</param>
    /// <param name="subprotocols">Subprotocols to offer, most preferred first, or null.</param>
    /// <param name="options">Limits and timeouts; null for the defaults.</param>
    /// <param name="tls">TLS options for <c>wss://</c>; null for the defaults.</param>
    /// <exception cref="ArgumentException">The URI is not <c>ws://</c> or <c>wss://</c>, or has a fragment.</exception>
    public static Deferred<T> Connect<T>(IReactor reactor, Uri uri, Func<T> protocol, Headers? headers = null, IReadOnlyList<string>? subprotocols = null, WebSocketOptions? options = null, TlsClientOptions? tls = null)
        where T : WebSocketProtocol
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(protocol);
        if (!uri.IsAbsoluteUri || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw new ArgumentException($"A WebSocket URI is ws:// or wss://, not '{uri}'.", nameof(uri));
        }
        if (uri.Fragment.Length > 0)
        {
            throw new ArgumentException("A WebSocket URI has no fragment (RFC 6455 §3).", nameof(uri));
        }
        var secure = uri.Scheme == "wss";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (secure ? 443 : 80) : uri.Port;
        var host = uri.DnsSafeHost;
        var result = new Deferred<T>();
        var connection = new WebSocketClientConnection<T>(reactor, uri, protocol, headers, subprotocols ?? [], options ?? new WebSocketOptions(), result);
        IStreamClientEndpoint endpoint = secure
            ? new TlsClientEndpoint(reactor, host, port, tls ?? new TlsClientOptions())
            : new TcpClientEndpoint(reactor, host, port);
        // A failed connect goes to the caller's Deferred; the endpoint's own is then handled.
        endpoint.Connect(new Factory(() => connection)).AddErrback(failure =>
        {
            if (!result.Called)
            {
                result.Errback(failure);
            }
            return (IProtocol)connection;
        });
        return result;
    }
}
