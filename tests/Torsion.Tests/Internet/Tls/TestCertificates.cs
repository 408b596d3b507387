using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>
/// Certificates made at test time: a CA, a server certificate for localhost/127.0.0.1 signed by it,
/// a self-signed "wrong" one for the same names, and a server certificate signed by an intermediate CA
/// (which the CA signed) for the chain a server must send itself. Written as PEM to a temp directory once per run,
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

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Torsion Test Intermediate CA", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediateRequest.PublicKey, false));
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using var intermediateSigned = intermediateRequest.Create(Ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        Intermediate = intermediateSigned.CopyWithPrivateKey(intermediateKey);
        var chainedKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var chainedRequest = LeafRequest(chainedKey);
        chainedRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Intermediate, true, false));
        using var chainedSigned = chainedRequest.Create(Intermediate, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));

        CaPath = Write("ca.pem", Ca.ExportCertificatePem());
        IntermediatePath = Write("intermediate.pem", Intermediate.ExportCertificatePem());
        ChainedServerCertPath = Write("chained-server.pem", chainedSigned.ExportCertificatePem());
        ChainedServerKeyPath = Write("chained-server.key", chainedKey.ExportPkcs8PrivateKeyPem());
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

    /// <summary>An intermediate CA the test CA signed; clients trust only the CA, so a server must send it.</summary>
    public X509Certificate2 Intermediate { get; }
    public string IntermediatePath { get; }

    /// <summary>A localhost certificate signed by <see cref="Intermediate"/>, and its key.</summary>
    public string ChainedServerCertPath { get; }
    public string ChainedServerKeyPath { get; }

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
