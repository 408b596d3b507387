using System.Security.Cryptography.X509Certificates;

namespace Torsion.Internet;

/// <summary>
/// The transport a protocol sees on a TLS connection: a TCP transport whose bytes are encrypted,
/// plus what the handshake settled. Writes made before the handshake finishes (possible only after
/// <see cref="TlsTransportExtensions.StartTls(ITransport, TlsServerOptions)"/>) are held and sent
/// encrypted once it has. <see cref="ITransport.LoseConnection"/> sends TLS close_notify before closing.
/// </summary>
public interface ITlsTransport : ITcpTransport
{
    /// <summary>True once the handshake has finished successfully.</summary>
    bool IsHandshakeComplete { get; }

    /// <summary>The application protocol agreed through ALPN (e.g. "h2"), or null when none was (or the handshake has not finished).</summary>
    string? NegotiatedApplicationProtocol { get; }

    /// <summary>The certificate the peer presented, or null (a client that sent none, or before the handshake).</summary>
    X509Certificate2? RemoteCertificate { get; }

    /// <summary>The TLS version agreed, or <see cref="System.Security.Authentication.SslProtocols.None"/> before the handshake.</summary>
    System.Security.Authentication.SslProtocols TlsVersion { get; }
}
