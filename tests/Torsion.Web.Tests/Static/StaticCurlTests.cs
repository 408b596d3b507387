using Torsion.TestSupport;
using Torsion.Web.Static;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Static;

/// <summary>Debian's curl against StaticFile: ranges, multipart ranges, 416, HEAD, conditional requests, listings, a large file.</summary>
public sealed class StaticCurlTests
{
    private static (int Code, string Stdout, string Stderr) Curl(params string[] args)
    {
        var curl = Peers.RequireProgram("curl", "curl");
        return ProcessRunner.Run(curl, ["-sS", "--max-time", "60", .. args]);
    }

    [Fact]
    public void Range()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (code, stdout, stderr) = Curl("-r", "0-9", "-D", "-", server.Url("/file.txt"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 206 Partial Content\r\n", stdout);
        Assert.Contains("Content-Range: bytes 0-9/100\r\n", stdout);
        Assert.EndsWith("\r\n\r\nABCDEFGHIJ", stdout);
    }

    [Fact]
    public void MultipleRanges()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (code, stdout, stderr) = Curl("-r", "0-9,20-29", "-D", "-", server.Url("/file.txt"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 206 Partial Content\r\n", stdout);
        Assert.Contains("Content-Type: multipart/byteranges; boundary=", stdout);
        Assert.Contains("Content-Range: bytes 0-9/100\r\n\r\nABCDEFGHIJ\r\n--", stdout);
        Assert.Contains("Content-Range: bytes 20-29/100\r\n\r\nUVWXYZABCD\r\n--", stdout);
        Assert.EndsWith("--\r\n", stdout);
    }

    [Fact]
    public void UnsatisfiableRange()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (code, stdout, stderr) = Curl("-r", "500-600", "-D", "-", "-o", "/dev/null", server.Url("/file.txt"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 416 Range Not Satisfiable\r\n", stdout);
        Assert.Contains("Content-Range: bytes */100\r\n", stdout);
    }

    [Fact]
    public void Head()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (code, stdout, stderr) = Curl("-I", server.Url("/page.html"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", stdout);
        Assert.Contains("Content-Length: 12\r\n", stdout);
        Assert.Contains("Content-Type: text/html; charset=utf-8\r\n", stdout);
        Assert.DoesNotContain("hello", stdout);
    }

    [Fact]
    public void ConditionalRequests()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (_, head, _) = Curl("-I", server.Url("/file.txt"));
        var etag = head.Split("\r\n").Single(l => l.StartsWith("ETag: ", StringComparison.Ordinal))["ETag: ".Length..];
        var lastModified = head.Split("\r\n").Single(l => l.StartsWith("Last-Modified: ", StringComparison.Ordinal))["Last-Modified: ".Length..];
        var (code, status, stderr) = Curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag, server.Url("/file.txt"));
        Assert.True(code == 0, stderr);
        Assert.Equal("304", status);
        (_, status, _) = Curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-Modified-Since: " + lastModified, server.Url("/file.txt"));
        Assert.Equal("304", status);
        // curl's own -z sends If-Modified-Since from a date.
        (_, status, _) = Curl("-o", "/dev/null", "-w", "%{http_code}", "-z", "Sun, 01 Jan 2034 00:00:00 GMT", server.Url("/file.txt"));
        Assert.Equal("304", status);
        (_, status, _) = Curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"nope\"", server.Url("/file.txt"));
        Assert.Equal("200", status);
    }

    [Fact]
    public void IndexListingAndRedirect()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (code, index, stderr) = Curl("-L", server.Url("/withindex"));
        Assert.True(code == 0, stderr);
        Assert.Equal("the index", index);
        var (_, listing, _) = Curl(server.Url("/list/"));
        Assert.Contains("&lt;script&gt;&amp;.txt", listing);
        Assert.DoesNotContain("<script>", listing);
        var (_, file, _) = Curl(server.Url("/list/%3Cscript%3E%26.txt"));
        Assert.Equal("x", file);
    }

    [Fact]
    public void LargeFileWhole()
    {
        using var tree = new StaticTree();
        var data = new byte[5_000_000];
        new Random(3).NextBytes(data);
        File.WriteAllBytes(Path.Combine(tree.Root, "large.bin"), data);
        var output = Path.Combine(tree.Base, "out.bin");
        using var server = new SiteServer(new StaticFile(tree.Root));
        var (code, _, stderr) = Curl("-o", output, server.Url("/large.bin"));
        Assert.True(code == 0, stderr);
        Assert.Equal(data, File.ReadAllBytes(output));
        // A range in the middle of a file larger than one read.
        var (code2, _, stderr2) = Curl("-r", "100000-3000000", "-o", output, server.Url("/large.bin"));
        Assert.True(code2 == 0, stderr2);
        Assert.Equal(data[100000..3000001], File.ReadAllBytes(output));
    }
}
