using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Torsion.Internet;

namespace Torsion.Web.Tests.Server;

/// <summary>A self-signed certificate for 127.0.0.1 and localhost, written as PEM to a temp directory and loaded through <see cref="TlsServerOptions.FromPemFiles"/>.</summary>
internal static class SelfSignedCertificate
{
    private static readonly Lazy<(string Cert, string Key)> Files = new(Create);

    public static string CertPath => Files.Value.Cert;

    public static TlsServerOptions Options() => TlsServerOptions.FromPemFiles(Files.Value.Cert, Files.Value.Key);

    private static (string, string) Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "torsion-web-tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(dir, "cert.pem");
        var keyPath = Path.Combine(dir, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
