using System.Net;
using System.Net.Sockets;
using Torsion.TestSupport;
using Torsion.Web.Tests.Client;

namespace Torsion.Web.Tests.Aot;

/// <summary>
/// examples/GetPage published with Native AOT (docs/aot.md) and run as one native file, alone in its
/// directory: the same interface and exit codes as the JIT build (GetPageExampleTests), on every backend the
/// registry offers, plain HTTP and HTTPS. A clean publish (no trim or AOT warning) is part of the check.
/// </summary>
public sealed class GetPageNativeTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("torsion-aot-getpage-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    [TimeLimit(900)] // one Native AOT publish: the libraries rebuilt in Release and the AOT compiler (~1-3 min, longer when loaded)
    public void PublishesCleanAndBehavesAsTheJitBuildOnEveryBackend()
    {
        var getPage = NativeAot.Publish("examples/GetPage/GetPage.csproj", _scratch);

        using var server = RawServer.Answering(r => r.Target switch
        {
            "/" => "HTTP/1.1 302 Found\r\nLocation: /page\r\nContent-Length: 0\r\n\r\n",
            "/page" => RawServer.Ok("<html>the page \u00e9</html>\n", "Content-Type: text/html; charset=utf-8\r\n"),
            _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot here\n",
        });

        NativeAot.RunOnEveryBackend(getPage, [server.Url()], (_, stdout) => Assert.Equal("<html>the page \u00e9</html>\n", stdout));

        var notFound = NativeAot.RunProgram(getPage, [server.Url("/missing")]);
        Assert.Equal(1, notFound.Code);
        Assert.Equal("", notFound.Out);
        Assert.Contains("404 Not Found", notFound.Err, StringComparison.Ordinal);
        // Failure's type name survives trimming: the errback prints it.
        Assert.Contains("(HttpErrorException)", notFound.Err, StringComparison.Ordinal);

        // Bound, not listening: refused, and not given to another test's listener meanwhile.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var refused = NativeAot.RunProgram(getPage, [$"http://127.0.0.1:{port}/"]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("refused", refused.Err, StringComparison.OrdinalIgnoreCase);

        var usage = NativeAot.RunProgram(getPage, []);
        Assert.Equal(2, usage.Code);
        Assert.Contains("usage: GetPage URL", usage.Err, StringComparison.Ordinal);

        var notUrl = NativeAot.RunProgram(getPage, ["not-a-url"]);
        Assert.Equal(1, notUrl.Code);
        Assert.Contains("(ArgumentException)", notUrl.Err, StringComparison.Ordinal);

        // TLS, natively: verified against the test CA (OpenSSL reads SSL_CERT_FILE in place of the system
        // store), and refused for a self-signed certificate.
        using var secure = HttpsTests.TlsServer(TestCertificates.Instance.Server);
        var trusted = NativeAot.RunProgram(getPage, [$"https://localhost:{secure.Port}/x"],
            new Dictionary<string, string> { ["SSL_CERT_FILE"] = TestCertificates.Instance.CaPath });
        Assert.True(trusted.Code == 0, trusted.Err);
        Assert.Equal($"secure /x host=localhost:{secure.Port}", trusted.Out);

        using var untrusted = HttpsTests.TlsServer(TestCertificates.Instance.SelfSigned);
        var rejected = NativeAot.RunProgram(getPage, [$"https://localhost:{untrusted.Port}/"]);
        Assert.Equal(1, rejected.Code);
        Assert.Equal("", rejected.Out);
        Assert.Contains("TlsHandshakeException", rejected.Err, StringComparison.Ordinal);
    }
}
