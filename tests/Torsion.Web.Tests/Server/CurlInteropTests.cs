using System.Text;
using Torsion.TestSupport;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>curl (Debian's) against a Torsion site: HEAD, chunked upload, keep-alive reuse, HTTPS.</summary>
public sealed class CurlInteropTests
{
    private static Resource Tree()
    {
        var root = new Resource();
        root.PutChild("hello", LambdaResource.Text("Hello, World!"));
        root.PutChild("echo", new LambdaResource(post: r => r.Content.ToArray()));
        root.PutChild("count", new LambdaResource(post: r => CountAsync(r), streams: true));
        root.PutChild("secure", new LambdaResource(get: r => Encoding.ASCII.GetBytes($"secure={r.IsSecure}")));
        return root;
    }

    private static async Task<byte[]> CountAsync(Request request)
    {
        var body = await request.Body.ReadAllAsync();
        return Encoding.ASCII.GetBytes($"{body.Length}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))}");
    }

    [Fact]
    public void Head()
    {
        var curl = Peers.RequireProgram("curl", "curl");
        using var server = new SiteServer(Tree());
        var (code, stdout, stderr) = ProcessRunner.Run(curl, ["-sS", "-I", "--max-time", "60", server.Url("/hello")]);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", stdout);
        Assert.Contains("Content-Length: 13\r\n", stdout);
        Assert.DoesNotContain("Hello", stdout);
    }

    [Theory]
    [InlineData("/echo")]
    [InlineData("/count")]
    public void ChunkedUpload(string path)
    {
        var curl = Peers.RequireProgram("curl", "curl");
        var data = new byte[300_000];
        new Random(7).NextBytes(data);
        var file = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        File.WriteAllBytes(file, data);
        try
        {
            using var server = new SiteServer(Tree());
            var (code, _, stderr) = ProcessRunner.Run(curl, ["-sS", "-v", "--max-time", "60", "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", "--data-binary", "@" + file, "-o", output, server.Url(path)]);
            Assert.True(code == 0, stderr);
            Assert.Contains("Transfer-Encoding: chunked", stderr);
            Assert.Contains("HTTP/1.1 100 Continue", stderr);
            if (path == "/echo")
            {
                Assert.Equal(data, File.ReadAllBytes(output));
            }
            else
            {
                Assert.Equal($"{data.Length}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data))}", File.ReadAllText(output));
            }
        }
        finally
        {
            File.Delete(file);
            File.Delete(output);
        }
    }

    [Fact]
    public void KeepAliveReusesTheConnection()
    {
        var curl = Peers.RequireProgram("curl", "curl");
        using var server = new SiteServer(Tree());
        var (code, stdout, stderr) = ProcessRunner.Run(curl, ["-sS", "-v", "--max-time", "60", server.Url("/hello"), server.Url("/hello")]);
        Assert.True(code == 0, stderr);
        Assert.Equal("Hello, World!Hello, World!", stdout);
        Assert.Matches("Re-?using existing connection", stderr);
        Assert.Equal(2, server.Call(() => server.Site.RequestsServed));
    }

    [Fact]
    public void Https()
    {
        var curl = Peers.RequireProgram("curl", "curl");
        using var server = new SiteServer(Tree(), tls: SelfSignedCertificate.Options());
        var url = $"https://127.0.0.1:{server.Port}/secure";
        var (code, stdout, stderr) = ProcessRunner.Run(curl, ["-sS", "-v", "--max-time", "60", "--cacert", SelfSignedCertificate.CertPath, url, url]);
        Assert.True(code == 0, stderr);
        Assert.Equal("secure=Truesecure=True", stdout);
        Assert.Matches("Re-?using existing connection", stderr);
        var insecure = ProcessRunner.Run(curl, ["-sS", "-k", "--max-time", "60", "-I", url]);
        Assert.True(insecure.ExitCode == 0, insecure.Stderr);
        Assert.StartsWith("HTTP/1.1 200 OK", insecure.Stdout);
    }
}
