using System.Net;

namespace Torsion.Internet;

/// <summary>
/// TLS servers and clients (Twisted's <c>IReactorSSL</c>). Every backend gets it from one generic
/// implementation, <see cref="TlsReactor"/>, which wraps the factories given to
/// <see cref="IReactorTcp.ListenTcp"/> and <see cref="IReactorTcp.ConnectTcp"/>: TLS is a protocol
/// layered over any stream transport, not a separate kind of socket.
/// </summary>
public interface IReactorSsl
{
    /// <summary>
    /// Listens for TLS connections on <paramref name="port"/> (0 picks a free one). The protocols
    /// <paramref name="factory"/> builds see an <see cref="ITlsTransport"/>, and their
    /// <c>ConnectionMade</c> runs once the handshake has finished; a connection whose handshake
    /// fails is logged and closed without the protocol hearing of it.
    /// </summary>
    /// <exception cref="CannotListenError">The address is in use, not permitted or invalid.</exception>
    IListeningPort ListenSsl(int port, Factory factory, TlsServerOptions options, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "");

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> and runs the TLS handshake.
    /// The protocol's <c>ConnectionMade</c> runs once the handshake has finished; a failed handshake
    /// (untrusted certificate, wrong name, no shared protocol) reaches the factory's
    /// <see cref="ClientFactory.ClientConnectionFailed"/> with a <see cref="TlsHandshakeException"/>.
    /// <paramref name="timeout"/> bounds the TCP connect only.
    /// </summary>
    IConnector ConnectSsl(string host, int port, ClientFactory factory, TlsClientOptions options, double timeout = 30, EndPoint? bindAddress = null);
}
