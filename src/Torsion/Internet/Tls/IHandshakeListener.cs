namespace Torsion.Internet;

/// <summary>
/// A protocol that wants to hear when a TLS handshake finishes (Twisted's <c>IHandshakeListener</c>).
/// Useful after <see cref="TlsTransportExtensions.StartTls(ITransport, TlsServerOptions)"/>, where
/// <c>ConnectionMade</c> ran long before; on a connection from <see cref="IReactorSsl"/> it is called
/// right after <c>ConnectionMade</c>.
/// </summary>
public interface IHandshakeListener
{
    /// <summary>The handshake succeeded: <see cref="ITlsTransport.NegotiatedApplicationProtocol"/> and the peer's certificate are known.</summary>
    void HandshakeCompleted();
}
