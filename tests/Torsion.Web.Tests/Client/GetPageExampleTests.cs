using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Torsion.Web.Tests.Client;

/// <summary>
/// examples/GetPage, the seed's script, run as a user runs it (its built dll, once per outcome) against local
/// servers: the body on standard output and exit 0, or the error on standard error and exit 1.
/// </summary>
public sealed class GetPageExampleTests
{
    private static (int Code, string Out, string Err) RunExample(string url)
    {
        // artifacts/bin/Torsion.Web.Tests/<config>/ -> artifacts/bin/GetPage/<config>/GetPage.dll
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(testDir.Parent!.Parent!.FullName, "GetPage", testDir.Name, "GetPage.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(url);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("GetPage did not exit within 120 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void PrintsTheBodyAfterARedirectAndExitsZero()
    {
        using var server = RawServer.Answering(r => r.Target == "/"
            ? "HTTP/1.1 302 Found\r\nLocation: /page\r\nContent-Length: 0\r\n\r\n"
            : RawServer.Ok("<html>the page \u00e9</html>\n", "Content-Type: text/html; charset=utf-8\r\n"));
        var (code, stdout, stderr) = RunExample(server.Url());
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Equal("<html>the page \u00e9</html>\n", stdout);
    }

    [Fact]
    public void NotFoundIsAnErrorOnStandardError()
    {
        using var server = RawServer.Answering(_ => "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot here\n");
        var (code, stdout, stderr) = RunExample(server.Url("/missing"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("404 Not Found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreachableHostIsAnError()
    {
        // A port bound but not listening: a connect is refused, and no other test's listener can be given the
        // port meanwhile (a port merely freed once went to a TLS server running in parallel, failing both tests).
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var (code, stdout, stderr) = RunExample($"http://127.0.0.1:{port}/");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("refused", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TlsFailureIsAnError()
    {
        using var server = HttpsTests.TlsServer(TestCertificates.Instance.SelfSigned);
        var (code, stdout, stderr) = RunExample($"https://localhost:{server.Port}/");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("TlsHandshakeException", stderr, StringComparison.Ordinal);
    }
}
