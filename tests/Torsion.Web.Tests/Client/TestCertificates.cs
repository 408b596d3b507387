using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Torsion.Web.Tests.Client;

/// <summary>
/// Certificates made at test time: a CA, a server certificate for "localhost" only (so 127.0.0.1 is the
/// wrong name) signed by it, and a self-signed one nobody trusts. Also written as PEM to a temp directory.
/// </summary>
internal sealed class TestCertificates
{
    private static readonly Lazy<TestCertificates> Shared = new(() => new TestCertificates());

    public static TestCertificates Instance => Shared.Value;

    private TestCertificates()
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Torsion Web Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Leaf(serverKey);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using var signed = request.Create(Ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        // A PKCS#12 round trip gives SslStream a key it can use on every platform.
        Server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pfx), null);

        var selfKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var self = Leaf(selfKey).CreateSelfSigned(notBefore, notAfter);
        SelfSigned = X509CertificateLoader.LoadPkcs12(self.Export(X509ContentType.Pfx), null);

        Directory = Path.Combine(Path.GetTempPath(), "torsion-web-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        CaPath = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CaPath, Ca.ExportCertificatePem());
    }

    private static CertificateRequest Leaf(ECDsa key)
    {
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request;
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 SelfSigned { get; }

    public string Directory { get; }

    public string CaPath { get; }
}
