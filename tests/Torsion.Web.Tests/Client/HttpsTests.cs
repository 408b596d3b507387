using System.Security.Cryptography.X509Certificates;
using System.Text;
using Torsion.Internet;
using Torsion.TestSupport;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>HTTPS through the core's TLS transport: the certificate and the host name are checked unless told otherwise.</summary>
public sealed class HttpsTests
{
    internal static RawServer TlsServer(X509Certificate2 certificate) => new(async (c, _) =>
    {
        await c.StartTlsAsync(certificate);
        while (await c.ReadRequestAsync() is { } request)
        {
            await c.WriteAsync(RawServer.Ok($"secure {request.Target} host={request.Field("host")}"));
        }
    });

    private static AgentOptions TrustingTestCa => new() { TrustRoots = [TestCertificates.Instance.Ca] };

    private static string Get(string url, AgentOptions options) =>
        Encoding.UTF8.GetString(Run(r => new Agent(r, options).Request("GET", url).AddCallback(WebClient.ReadBody)));

    [Fact]
    public void VerifiedWhenTheCaIsTrusted()
    {
        using var server = TlsServer(TestCertificates.Instance.Server);
        try
        {
            Assert.Equal($"secure /x host=localhost:{server.Port}", Get($"https://localhost:{server.Port}/x", TrustingTestCa));
        }
        finally
        {
            Assert.Empty(server.Errors);
        }
    }

    [Fact]
    public void ConnectionIsReusedOverTls()
    {
        using var server = TlsServer(TestCertificates.Instance.Server);
        var url = $"https://localhost:{server.Port}/";
        Run(r =>
        {
            var agent = new Agent(r, TrustingTestCa);
            return agent.Request("GET", url).AddCallback(WebClient.ReadBody)
                .AddCallback(_ => agent.Request("GET", url).AddCallback(WebClient.ReadBody));
        });
        Assert.Equal(1, server.Accepted);
        Assert.Equal(2, server.RequestsSoFar().Count);
    }

    [Fact]
    public void RejectedForTheWrongHostName()
    {
        // The TLS layer logs the failed handshake; the test is that the request fails with it.
        LoggedErrors.Expect<TlsHandshakeException>();
        using var server = TlsServer(TestCertificates.Instance.Server);
        var error = Failure(r => new Agent(r, TrustingTestCa).Request("GET", $"https://127.0.0.1:{server.Port}/"));
        Assert.Contains("not for the expected host name", Assert.IsType<TlsHandshakeException>(error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectedWhenTheCaIsNotTrusted()
    {
        // The TLS layer logs the failed handshake; the test is that the request fails with it.
        LoggedErrors.Expect<TlsHandshakeException>();
        using var server = TlsServer(TestCertificates.Instance.Server);
        var error = Failure(r => new Agent(r).Request("GET", $"https://localhost:{server.Port}/"));
        Assert.Contains("chain is not trusted", Assert.IsType<TlsHandshakeException>(error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectedForASelfSignedCertificateEvenWithTheCaTrusted()
    {
        // The TLS layer logs the failed handshake; the test is that the request fails with it.
        LoggedErrors.Expect<TlsHandshakeException>();
        using var server = TlsServer(TestCertificates.Instance.SelfSigned);
        var error = Failure(r => new Agent(r, TrustingTestCa).Request("GET", $"https://localhost:{server.Port}/"));
        Assert.IsType<TlsHandshakeException>(error);
    }

    [Fact]
    public void ChecksCanBeTurnedOffExplicitly()
    {
        using var server = TlsServer(TestCertificates.Instance.SelfSigned);
        Assert.StartsWith("secure /", Get($"https://127.0.0.1:{server.Port}/", new AgentOptions { DisableCertificateChecks = true }), StringComparison.Ordinal);
    }

    [Fact]
    public void TlsOptionsCanBeGivenPerHost()
    {
        using var server = TlsServer(TestCertificates.Instance.Server);
        var options = new AgentOptions { TlsOptionsForHost = host => new TlsClientOptions { TargetHost = host, TrustRootsPath = TestCertificates.Instance.CaPath } };
        Assert.StartsWith("secure /", Get($"https://localhost:{server.Port}/", options), StringComparison.Ordinal);
    }
}
