using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Torsion.Internet;

/// <summary>
/// How a TLS client checks the server and presents itself (Twisted's <c>optionsForClientTLS</c>).
/// By default the server's certificate must chain to the system's trust store and name
/// <see cref="TargetHost"/>. Setting <see cref="TrustRoots"/> or <see cref="TrustRootsPath"/>
/// trusts those roots instead, and only them. The roots are gathered once, when the options are
/// first used for a connection; set them before that.
/// </summary>
public sealed class TlsClientOptions
{
    private readonly Lazy<X509Certificate2Collection?> _roots;

    /// <summary>Default options: system trust, the name from the connect call.</summary>
    public TlsClientOptions()
    {
        _roots = new Lazy<X509Certificate2Collection?>(LoadRoots);
    }

    /// <summary>
    /// The name sent as SNI and checked against the server's certificate (DNS name or IP address).
    /// Null (the default): the host passed to <see cref="IReactorSsl.ConnectSsl"/>, or for
    /// StartTls the peer's IP address.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>Root certificates to trust instead of the system's (for a private CA). Null: none given.</summary>
    public X509Certificate2Collection? TrustRoots { get; set; }

    /// <summary>A PEM bundle of root certificates to trust instead of the system's (Twisted's <c>trustRoots</c>). Read once, on first use.</summary>
    public string? TrustRootsPath { get; set; }

    /// <summary>
    /// Accept any server certificate, valid or not. For tests only: it makes the connection open to
    /// any machine in the middle. Default false.
    /// </summary>
    public bool AllowUntrusted { get; set; }

    /// <summary>ALPN protocols offered, most preferred first (e.g. "h2", "http/1.1"). Empty (the default): no ALPN.</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>A certificate (with private key) to present if the server asks for one. Null (the default): none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>TLS versions allowed. <see cref="SslProtocols.None"/> (the default) lets the system choose.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    private X509Certificate2Collection? LoadRoots()
    {
        if (TrustRoots is null && TrustRootsPath is null)
        {
            return null;
        }
        var roots = new X509Certificate2Collection();
        if (TrustRoots is not null)
        {
            roots.AddRange(TrustRoots);
        }
        if (TrustRootsPath is not null)
        {
            roots.ImportFromPemFile(TrustRootsPath);
        }
        return roots;
    }

    /// <summary>SslStream's options for one connection to <paramref name="defaultHost"/>; <paramref name="validationProblem"/> hears why a certificate was rejected.</summary>
    internal SslClientAuthenticationOptions CreateSslOptions(string defaultHost, Action<string> validationProblem)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? defaultHost,
            EnabledSslProtocols = EnabledProtocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = TlsValidation.ToAlpn(ApplicationProtocols),
            RemoteCertificateValidationCallback = TlsValidation.Callback(AllowUntrusted, validationProblem),
        };
        if (_roots.Value is { } roots)
        {
            options.CertificateChainPolicy = TlsValidation.ChainPolicy(roots);
        }
        if (ClientCertificate is not null)
        {
            options.ClientCertificates = [ClientCertificate];
        }
        return options;
    }
}
