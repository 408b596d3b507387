using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Torsion.Internet;

/// <summary>
/// How a TLS server presents itself (the part of Twisted's <c>CertificateOptions</c> a server
/// uses). One instance may serve any number of connections and listening ports; its certificate
/// context (the certificate and the intermediates sent with it) is built once, on first use.
/// </summary>
public sealed class TlsServerOptions
{
    private readonly Lazy<SslStreamCertificateContext> _context;

    /// <summary>
    /// Options presenting <paramref name="certificate"/>, which must carry its private key, followed by
    /// <paramref name="chain"/> (intermediate certificates sent to clients; may be null).
    /// </summary>
    public TlsServerOptions(X509Certificate2 certificate, X509Certificate2Collection? chain = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"The server certificate {certificate.Subject} has no private key.", nameof(certificate));
        }
        Certificate = certificate;
        Chain = chain ?? [];
        // offline: a server must never stall its loop fetching intermediates from the network.
        _context = new Lazy<SslStreamCertificateContext>(() => SslStreamCertificateContext.Create(Certificate, Chain, offline: true));
    }

    /// <summary>
    /// Loads the certificate from <paramref name="certPath"/> and its private key from
    /// <paramref name="keyPath"/> (PEM; they may be the same file). Further certificates in
    /// <paramref name="certPath"/>, and all of those in <paramref name="extraCertChainPath"/>, are
    /// sent as the chain (Twisted's <c>extraCertChain</c>).
    /// </summary>
    public static TlsServerOptions FromPemFiles(string certPath, string keyPath, string? extraCertChainPath = null)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        var chain = new X509Certificate2Collection();
        var inCertFile = new X509Certificate2Collection();
        inCertFile.ImportFromPemFile(certPath);
        // The first certificate of the file is the leaf; the rest is chain.
        for (var i = 1; i < inCertFile.Count; i++)
        {
            chain.Add(inCertFile[i]);
        }
        if (extraCertChainPath is not null)
        {
            chain.ImportFromPemFile(extraCertChainPath);
        }
        return new TlsServerOptions(certificate, chain);
    }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Intermediate certificates sent after <see cref="Certificate"/>.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>ALPN protocols the server accepts, most preferred first (e.g. "h2", "http/1.1"). Empty (the default): no ALPN.</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>Whether a client must present a certificate; without one the handshake fails. Default false.</summary>
    public bool ClientCertificateRequired { get; set; }

    /// <summary>
    /// With <see cref="ClientCertificateRequired"/>: the only roots a client certificate may chain to.
    /// Null (the default) uses the system's trust store.
    /// </summary>
    public X509Certificate2Collection? ClientCertificateTrustRoots { get; set; }

    /// <summary>TLS versions allowed. <see cref="SslProtocols.None"/> (the default) lets the system choose, which is what it should be.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>SslStream's options for one connection; <paramref name="validationProblem"/> hears why a client certificate was rejected.</summary>
    internal SslServerAuthenticationOptions CreateSslOptions(Action<string> validationProblem)
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _context.Value,
            EnabledSslProtocols = EnabledProtocols,
            ClientCertificateRequired = ClientCertificateRequired,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = TlsValidation.ToAlpn(ApplicationProtocols),
        };
        if (ClientCertificateRequired)
        {
            options.CertificateChainPolicy = TlsValidation.ChainPolicy(ClientCertificateTrustRoots);
            options.RemoteCertificateValidationCallback = TlsValidation.Callback(allowUntrusted: false, validationProblem);
        }
        return options;
    }
}
