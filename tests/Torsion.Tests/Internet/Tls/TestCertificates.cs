using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>
/// Certificates made at test time: a CA, a server certificate for localhost/127.0.0.1 signed by it,
/// and a self-signed "wrong" one for the same names. Written as PEM to a temp directory once per run,
/// so tests also exercise <see cref="TlsServerOptions.FromPemFiles"/> and openssl can read them.
/// </summary>
public sealed class TestCertificates
{
    private static readonly Lazy<TestCertificates> Shared = new(() => new TestCertificates());

    public static TestCertificates Instance => Shared.Value;

    private TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "torsion-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Torsion Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = LeafRequest(serverKey);
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using var signed = serverRequest.Create(Ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        Server = signed.CopyWithPrivateKey(serverKey);

        var wrongKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        SelfSigned = LeafRequest(wrongKey).CreateSelfSigned(notBefore, notAfter);

        CaPath = Write("ca.pem", Ca.ExportCertificatePem());
        ServerCertPath = Write("server.pem", Server.ExportCertificatePem());
        ServerKeyPath = Write("server.key", serverKey.ExportPkcs8PrivateKeyPem());
        SelfSignedCertPath = Write("wrong.pem", SelfSigned.ExportCertificatePem());
        SelfSignedKeyPath = Write("wrong.key", wrongKey.ExportPkcs8PrivateKeyPem());
    }

    private static CertificateRequest LeafRequest(ECDsa key)
    {
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public string Directory { get; }
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public X509Certificate2 SelfSigned { get; }
    public string CaPath { get; }
    public string ServerCertPath { get; }
    public string ServerKeyPath { get; }
    public string SelfSignedCertPath { get; }
    public string SelfSignedKeyPath { get; }

    /// <summary>Server options for the CA-signed localhost certificate, loaded from the PEM files.</summary>
    public TlsServerOptions ServerOptions(params string[] alpn)
    {
        var options = TlsServerOptions.FromPemFiles(ServerCertPath, ServerKeyPath);
        options.ApplicationProtocols = alpn;
        return options;
    }

    /// <summary>Client options trusting only the test CA, checking "localhost".</summary>
    public TlsClientOptions ClientOptions(params string[] alpn) =>
        new() { TargetHost = "localhost", TrustRoots = [Ca], ApplicationProtocols = alpn };
}
