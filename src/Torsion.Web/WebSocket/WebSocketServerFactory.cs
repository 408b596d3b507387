using System.Net;
using Torsion.Internet;
using Torsion.Web.Http;

namespace Torsion.Web.WebSocket;

/// <summary>
/// A standalone WebSocket server: listen with it on any stream port (<c>reactor.ListenTcp(port,
/// factory)</c>, TLS included) and each connection reads the upgrade request with
/// <see cref="HttpRequestParser"/>, answers 101 or an HTTP error (<see cref="WebSocketHandshake.CheckRequest"/>),
/// and then speaks frames through a protocol from <c>protocol</c>, which receives any bytes that came
/// after the request head. Requests that are no upgrade get the error answer and are closed; a
/// connection that has not finished its handshake within <see cref="WebSocketOptions.HandshakeTimeout"/>
/// is aborted.
/// </summary>
public sealed class WebSocketServerFactory : ServerFactory
{
    private readonly IReactorTime _clock;
    private readonly Func<WebSocketProtocol> _protocol;

    /// <summary>Creates the factory.</summary>
    /// <param name="clock">The reactor (for timeouts).</param>
    /// <param name="protocol">Makes the protocol for each accepted upgrade.</param>
    /// <param name="options">Limits and timeouts; null for the defaults.</param>
    public WebSocketServerFactory(IReactorTime clock, Func<WebSocketProtocol> protocol, WebSocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(protocol);
        _clock = clock;
        _protocol = protocol;
        Options = options ?? new WebSocketOptions();
    }

    /// <summary>The options given to every connection.</summary>
    public WebSocketOptions Options { get; }

    /// <summary>The subprotocols this server speaks, most preferred first (empty: none is chosen).</summary>
    public IList<string> Subprotocols { get; } = new List<string>();

    /// <summary>Limits for the upgrade request's head (line length, header count and bytes).</summary>
    public HttpParserOptions ParserOptions { get; } = new();

    /// <inheritdoc />
    public override IProtocol? BuildProtocol(EndPoint address) =>
        new WebSocketServerConnection(_clock, _protocol, Options, Subprotocols.ToArray(), ParserOptions);
}
