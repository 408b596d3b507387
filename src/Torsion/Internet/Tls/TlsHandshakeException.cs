namespace Torsion.Internet;

/// <summary>
/// A TLS handshake failed: the peer's certificate was not trusted or not for the expected name,
/// no protocol version or ALPN protocol was shared, or the connection closed mid-handshake. The
/// message says which; <see cref="Exception.InnerException"/> is the error <c>SslStream</c> raised.
/// </summary>
public sealed class TlsHandshakeException : ConnectError
{
    /// <summary>Creates the exception.</summary>
    public TlsHandshakeException(string message, Exception? inner = null) : base(message, inner) { }
}
