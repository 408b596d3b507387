using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Torsion.TestSupport;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// <c>torsiond web</c> as a user runs it, with curl as the client: a directory with --index,
/// --add-header, --mime-type and --logfile; the built-in page; HTTPS from an ssl: description;
/// --help; and option errors (exit 2).
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed partial class WebTests
{
    // host ident authuser [date] "request" status bytes "referer" "user-agent"
    [GeneratedRegex("""^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET /notes\.txt HTTP/1\.1" 200 11 "-" "curl/[^"]+"$""")]
    private static partial Regex CombinedLine();

    private static (int Code, string Stdout, string Stderr) Curl(params string[] args)
    {
        var curl = Peers.RequireProgram("curl", "curl");
        var info = new ProcessStartInfo(curl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-sS", "--max-time", "60", .. args])
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill();
            throw new TimeoutException("curl did not finish");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void ServesADirectory()
    {
        Peers.RequireProgram("curl", "curl");
        var dir = Torsiond.Scratch();
        var www = Directory.CreateDirectory(Path.Combine(dir, "www")).FullName;
        File.WriteAllText(Path.Combine(www, "home.htm"), "home page");
        File.WriteAllText(Path.Combine(www, "notes.txt"), "hello notes");
        File.WriteAllText(Path.Combine(www, "blob.zzz"), "0123456789");
        Directory.CreateDirectory(Path.Combine(www, "docs"));
        File.WriteAllText(Path.Combine(www, "docs", "<script>&.txt"), "x");
        var port = Torsiond.FreePort();
        var url = $"http://127.0.0.1:{port}";
        using (var server = Torsiond.Start(dir, null, "-n", "web", "--listen", $"tcp:{port}:interface=127.0.0.1", "--path", "www",
            "--index", "missing.html", "--index", "home.htm", "--add-header", "X-Frame-Options: DENY", "--add-header", "X-Test:  two words ",
            "--mime-type", "text/x-unknown", "--logfile", "access.log"))
        {
            server.WaitForLine(l => l.Contains("Started"));
            var (code, page, stderr) = Curl("-D", "-", url + "/");
            Assert.True(code == 0, stderr);
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", page);
            Assert.Contains("X-Frame-Options: DENY\r\n", page);
            Assert.Contains("X-Test: two words\r\n", page);
            Assert.EndsWith("\r\n\r\nhome page", page);
            var (_, blob, _) = Curl("-D", "-", "-r", "2-4", url + "/blob.zzz");
            Assert.StartsWith("HTTP/1.1 206 Partial Content\r\n", blob);
            Assert.Contains("Content-Type: text/x-unknown\r\n", blob);
            Assert.EndsWith("\r\n\r\n234", blob);
            var (_, listing, _) = Curl(url + "/docs/");
            Assert.Contains("&lt;script&gt;&amp;.txt", listing);
            var (_, missing, _) = Curl("-D", "-", url + "/nope");
            Assert.StartsWith("HTTP/1.1 404", missing);
            Assert.Contains("X-Frame-Options: DENY\r\n", missing);
            var (_, notes, _) = Curl(url + "/notes.txt");
            Assert.Equal("hello notes", notes);

            var log = Torsiond.WaitForFileText(Path.Combine(dir, "access.log"), "/notes.txt");
            var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => CombinedLine().IsMatch(l));
            Assert.Contains(lines, l => l.Contains("\"GET /nope HTTP/1.1\" 404 ", StringComparison.Ordinal));
            server.Signal("TERM");
            Assert.Equal(0, server.WaitForExit());
        }
    }

    [Fact]
    public void ServesTheBuiltInPageWithoutPath()
    {
        Peers.RequireProgram("curl", "curl");
        var port = Torsiond.FreePort();
        using var server = Torsiond.Start(Torsiond.Scratch(), null, "-n", "web", "--listen", $"tcp:{port}:interface=127.0.0.1");
        server.WaitForLine(l => l.Contains("Started"));
        var (code, page, stderr) = Curl("-D", "-", $"http://127.0.0.1:{port}/");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", page);
        Assert.Contains("Content-Type: text/html; charset=utf-8\r\n", page);
        Assert.Contains("torsiond web", page);
        var (_, status, _) = Curl("-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{port}/other");
        Assert.Equal("404", status);
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void ServesHttpsFromAnSslDescription()
    {
        Peers.RequireProgram("curl", "curl");
        var dir = Torsiond.Scratch();
        var www = Directory.CreateDirectory(Path.Combine(dir, "www")).FullName;
        File.WriteAllText(Path.Combine(www, "secure.txt"), "over tls");
        WriteCertificate(dir);
        var tlsPort = Torsiond.FreePort();
        var plainPort = Torsiond.FreePort();
        using var server = Torsiond.Start(dir, null, "-n", "web", "--path", "www",
            "--listen", $"ssl:{tlsPort}:interface=127.0.0.1:privateKey=key.pem:certKey=cert.pem",
            "--listen", $"tcp:{plainPort}:interface=127.0.0.1");
        server.WaitForLine(l => l.Contains("Started"));
        var (code, body, stderr) = Curl("--cacert", Path.Combine(dir, "cert.pem"), $"https://127.0.0.1:{tlsPort}/secure.txt");
        Assert.True(code == 0, stderr);
        Assert.Equal("over tls", body);
        // Both listeners serve the same site.
        var (_, plain, _) = Curl($"http://127.0.0.1:{plainPort}/secure.txt");
        Assert.Equal("over tls", plain);
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void HelpListsEveryOption()
    {
        var (status, output) = Torsiond.Run(Torsiond.Scratch(), null, "web", "--help");
        Assert.Equal(0, status);
        foreach (var option in new[] { "--listen", "--path", "--index", "--mime-type", "--add-header", "--logfile", "--proxy" })
        {
            Assert.Contains(option, output);
        }
        var (_, top) = Torsiond.Run(Torsiond.Scratch(), null, "--help");
        Assert.Contains("An HTTP server: serve a directory", top);
    }

    [Theory]
    [InlineData("--path", "no-such-dir", "--path")]
    [InlineData("--listen", "bogus:1", "--listen")]
    [InlineData("--listen", "tcp:notaport", "--listen")]
    [InlineData("--listen", "ssl:0:privateKey=missing.pem", "--listen")]
    [InlineData("--add-header", "NoColon", "--add-header")]
    [InlineData("--add-header", "Bad Name: v", "--add-header")]
    [InlineData("--add-header", "X-A: b\r\nX-B: c", "--add-header")]
    [InlineData("--add-header", "X-A: b\nX-B: c", "--add-header")]
    [InlineData("--mime-type", "text/plain\r\nX: y", "--mime-type")]
    [InlineData("--logfile", "no-such-dir/access.log", "--logfile")]
    [InlineData("--proxy", "127.0.0.1", "--proxy")]
    [InlineData("--proxy", "127.0.0.1:99999", "--proxy")]
    [InlineData("--proxy", ":8080", "--proxy")]
    public void BadOptionsExit2(string option, string value, string named)
    {
        var (status, output) = Torsiond.Run(Torsiond.Scratch(), null, "-n", "web", "--listen", "tcp:0:interface=127.0.0.1", option, value);
        Assert.True(status == 2, $"status {status}: {output}");
        Assert.Contains(named, output);
    }

    [Fact]
    public void ProxiesToAnUpstream()
    {
        // One torsiond serves a directory; a second one, with --proxy and a path prefix, forwards to it.
        Peers.RequireProgram("curl", "curl");
        var dir = Torsiond.Scratch();
        var www = Directory.CreateDirectory(Path.Combine(dir, "www", "app")).FullName;
        File.WriteAllText(Path.Combine(www, "notes.txt"), "hello notes");
        var upstreamPort = Torsiond.FreePort();
        var proxyPort = Torsiond.FreePort();
        using var upstream = Torsiond.Start(dir, null, "-n", "web", "--listen", $"tcp:{upstreamPort}:interface=127.0.0.1", "--path", "www");
        upstream.WaitForLine(l => l.Contains("Started"));
        // Its own directory: two torsiond processes in one directory would share a pid file.
        using var proxy = Torsiond.Start(Torsiond.Scratch(), null, "-n", "web", "--listen", $"tcp:{proxyPort}:interface=127.0.0.1",
            "--proxy", $"127.0.0.1:{upstreamPort}/app", "--add-header", "X-Via: torsiond");
        proxy.WaitForLine(l => l.Contains("Started"));
        var (code, output, stderr) = Curl("-D", "-", $"http://127.0.0.1:{proxyPort}/notes.txt");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 200", output);
        Assert.Contains("X-Via: torsiond", output);
        Assert.EndsWith("hello notes", output);
        var (_, missing, _) = Curl("-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{proxyPort}/nothing");
        Assert.Equal("404", missing);
        var (both, bothOutput) = Torsiond.Run(Torsiond.Scratch(), null, "-n", "web", "--listen", "tcp:0:interface=127.0.0.1", "--proxy", "127.0.0.1:1", "--path", ".");
        Assert.Equal(2, both);
        Assert.Contains("--proxy and --path", bothOutput);
    }

    private static void WriteCertificate(string dir)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(dir, "cert.pem"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }
}
