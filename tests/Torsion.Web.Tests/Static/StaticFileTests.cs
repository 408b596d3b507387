using System.Globalization;
using System.Text;
using Torsion.Web.Server;
using Torsion.Web.Static;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Static;

/// <summary>StaticFile over raw sockets: files, types, directories, conditional and range requests, HEAD.</summary>
public sealed class StaticFileTests
{
    internal static HttpResponse Get(SiteServer server, string target, string extraHeaders = "", string method = "GET")
    {
        using var c = server.Connect();
        c.Send($"{method} {target} HTTP/1.1\r\nHost: x\r\n{extraHeaders}\r\n");
        return c.ReadResponse(head: method == "HEAD");
    }

    internal static int WaitForConnections(SiteServer server, int expected) =>
        BasicTests.WaitFor(server, () => server.Site.OpenConnections, expected);

    [Theory]
    [InlineData(0)]
    [InlineData(16 * 1024)]
    public void ServesFileWithTypeLengthAndValidators(int inlineReadLimit)
    {
        // 0: the body comes through the producer, from the thread pool; 16 KiB: read inline.
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root, new StaticFileOptions { InlineReadLimit = inlineReadLimit }));
        var r = Get(server, "/file.txt");
        Assert.Equal(200, r.Status);
        Assert.Equal(StaticTree.FileBytes, r.Body);
        Assert.Equal("100", r.Header("Content-Length"));
        Assert.Equal("text/plain; charset=utf-8", r.Header("Content-Type"));
        Assert.Equal("bytes", r.Header("Accept-Ranges"));
        Assert.Matches("^\"[0-9a-f]+-[0-9a-f]+\"$", r.Header("ETag"));
        var modified = DateTime.ParseExact(r.Header("Last-Modified")!, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var actual = File.GetLastWriteTimeUtc(Path.Combine(tree.Root, "file.txt"));
        Assert.True(Math.Abs((actual - modified).TotalSeconds) < 1, $"{modified:o} vs {actual:o}");
    }

    [Theory]
    [InlineData("/page.html", "text/html; charset=utf-8")]
    [InlineData("/style.css", "text/css; charset=utf-8")]
    [InlineData("/data.unknownext", "application/octet-stream")]
    public void ContentTypesByExtension(string path, string type)
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        Assert.Equal(type, Get(server, path).Header("Content-Type"));
    }

    [Fact]
    public void ContentTypesAreOverridablePerInstance()
    {
        using var tree = new StaticTree();
        var options = new StaticFileOptions { DefaultType = "text/x-default" };
        options.ContentTypes[".CSS"] = "text/x-mine";
        using var server = new SiteServer(new StaticFile(tree.Root, options));
        Assert.Equal("text/x-mine", Get(server, "/style.css").Header("Content-Type"));
        Assert.Equal("text/x-default", Get(server, "/data.unknownext").Header("Content-Type"));
        // Another instance keeps the built-in table.
        Assert.Equal("text/css; charset=utf-8", new StaticFileOptions().ContentTypeFor("a.css"));
    }

    [Fact]
    public void HeadSendsHeadersWithoutBody()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        using var c = server.Connect();
        c.Send("HEAD /file.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = c.ReadResponse(head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("100", head.Header("Content-Length"));
        Assert.NotNull(head.Header("ETag"));
        // The next response on the same connection starts right after the head: no body was sent.
        c.Send("GET /sub/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        var next = c.ReadResponse();
        Assert.Equal("in sub", next.Text);
    }

    [Fact]
    public void MissingFileIs404()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        Assert.Equal(404, Get(server, "/nope.txt").Status);
        Assert.Equal(404, Get(server, "/file.txt/more").Status);
        Assert.Equal(404, Get(server, "/file.txt/").Status);
    }

    [Fact]
    public void PutChildTakesPrecedence()
    {
        using var tree = new StaticTree();
        var root = new StaticFile(tree.Root);
        root.PutChild("file.txt", LambdaResource.Text("from a child"));
        using var server = new SiteServer(root);
        Assert.Equal("from a child", Get(server, "/file.txt").Text);
        Assert.Equal("in sub", Get(server, "/sub/a.txt").Text);
    }

    [Fact]
    public void DirectoryWithoutSlashRedirects()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var r = Get(server, "/sub?x=1");
        Assert.Equal(301, r.Status);
        Assert.Equal("/sub/?x=1", r.Header("Location"));
    }

    [Fact]
    public void IndexFilesInOrder()
    {
        using var tree = new StaticTree();
        using (var server = new SiteServer(new StaticFile(tree.Root)))
        {
            Assert.Equal("the index", Get(server, "/withindex/").Text);
        }
        var options = new StaticFileOptions();
        options.IndexNames.Clear();
        options.IndexNames.Add("missing.html");
        options.IndexNames.Add("home.htm");
        using (var server = new SiteServer(new StaticFile(tree.Root, options)))
        {
            Assert.Equal("the home", Get(server, "/withindex/").Text);
        }
    }

    [Fact]
    public void ListingEscapesNamesAndLinks()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var r = Get(server, "/list/");
        Assert.Equal(200, r.Status);
        Assert.Equal("text/html; charset=utf-8", r.Header("Content-Type"));
        var html = r.Text;
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;&amp;.txt", html);
        Assert.Contains("href=\"%3Cscript%3E%26.txt\"", html);
        Assert.Contains("href=\"a%20b%23c%3F.txt\"", html);
        Assert.Contains("href=\"child%20dir/\"", html);
        // The escaped links lead to the files.
        Assert.Equal("x", Get(server, "/list/%3Cscript%3E%26.txt").Text);
        Assert.Equal("y", Get(server, "/list/a%20b%23c%3F.txt").Text);
    }

    [Fact]
    public void ListingCanBeTurnedOff()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root, new StaticFileOptions { DirectoryListing = false }));
        Assert.Equal(403, Get(server, "/list/").Status);
    }

    [Fact]
    public void IfNoneMatchAnswers304()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var etag = Get(server, "/file.txt").Header("ETag")!;
        var r = Get(server, "/file.txt", $"If-None-Match: \"other\", {etag}\r\n");
        Assert.Equal(304, r.Status);
        Assert.Equal(etag, r.Header("ETag"));
        Assert.Empty(r.Body);
        Assert.Equal(304, Get(server, "/file.txt", $"If-None-Match: W/{etag}\r\n").Status);
        Assert.Equal(304, Get(server, "/file.txt", "If-None-Match: *\r\n").Status);
        Assert.Equal(200, Get(server, "/file.txt", "If-None-Match: \"other\"\r\n").Status);
        // If-None-Match wins over If-Modified-Since.
        Assert.Equal(200, Get(server, "/file.txt", $"If-None-Match: \"other\"\r\nIf-Modified-Since: {DateTime.UtcNow.AddDays(1):r}\r\n").Status);
    }

    [Fact]
    public void IfModifiedSinceAnswers304()
    {
        using var tree = new StaticTree();
        File.SetLastWriteTimeUtc(Path.Combine(tree.Root, "file.txt"), new DateTime(2020, 1, 2, 3, 4, 5, 600, DateTimeKind.Utc));
        using var server = new SiteServer(new StaticFile(tree.Root));
        var lastModified = Get(server, "/file.txt").Header("Last-Modified");
        Assert.Equal("Thu, 02 Jan 2020 03:04:05 GMT", lastModified);
        using (var c = server.Connect())
        {
            c.Send($"GET /file.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: {lastModified}\r\n\r\n");
            var r = c.ReadResponse();
            Assert.Equal(304, r.Status);
            Assert.Null(r.Header("Content-Length"));
            // The connection goes on: a 304 carries no body.
            c.Send("GET /sub/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal("in sub", c.ReadResponse().Text);
        }
        Assert.Equal(304, Get(server, "/file.txt", "If-Modified-Since: Sat, 01 Jan 2022 00:00:00 GMT\r\n").Status);
        Assert.Equal(200, Get(server, "/file.txt", "If-Modified-Since: Thu, 02 Jan 2020 03:04:04 GMT\r\n").Status);
        Assert.Equal(200, Get(server, "/file.txt", "If-Modified-Since: not a date\r\n").Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16 * 1024)]
    public void SingleRange(int inlineReadLimit)
    {
        // 0: the body comes through the producer, from the thread pool; 16 KiB: read inline.
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root, new StaticFileOptions { InlineReadLimit = inlineReadLimit }));
        var r = Get(server, "/file.txt", "Range: bytes=10-19\r\n");
        Assert.Equal(206, r.Status);
        Assert.Equal("bytes 10-19/100", r.Header("Content-Range"));
        Assert.Equal("10", r.Header("Content-Length"));
        Assert.Equal(StaticTree.FileBytes[10..20], r.Body);
        var suffix = Get(server, "/file.txt", "Range: bytes=-5\r\n");
        Assert.Equal("bytes 95-99/100", suffix.Header("Content-Range"));
        Assert.Equal(StaticTree.FileBytes[95..], suffix.Body);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16 * 1024)]
    public void MultipleRangesAreMultipart(int inlineReadLimit)
    {
        // 0: the body comes through the producer, from the thread pool; 16 KiB: read inline.
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root, new StaticFileOptions { InlineReadLimit = inlineReadLimit }));
        var r = Get(server, "/file.txt", "Range: bytes=0-9,20-29\r\n");
        Assert.Equal(206, r.Status);
        Assert.Null(r.Header("Content-Range"));
        var type = r.Header("Content-Type")!;
        Assert.StartsWith("multipart/byteranges; boundary=", type);
        var boundary = type["multipart/byteranges; boundary=".Length..];
        Assert.Equal(r.Body.Length.ToString(CultureInfo.InvariantCulture), r.Header("Content-Length"));
        var expected =
            $"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-9/100\r\n\r\nABCDEFGHIJ"
            + $"\r\n--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 20-29/100\r\n\r\nUVWXYZABCD"
            + $"\r\n--{boundary}--\r\n";
        Assert.Equal(expected, Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void UnsatisfiableRangeIs416()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var r = Get(server, "/file.txt", "Range: bytes=100-200\r\n");
        Assert.Equal(416, r.Status);
        Assert.Equal("bytes */100", r.Header("Content-Range"));
    }

    [Fact]
    public void InvalidRangeSendsWholeFile()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var r = Get(server, "/file.txt", "Range: bytes=20-10\r\n");
        Assert.Equal(200, r.Status);
        Assert.Equal(StaticTree.FileBytes, r.Body);
    }

    [Fact]
    public void IfRangeAppliesTheRangeOnlyToTheSameFile()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var full = Get(server, "/file.txt");
        var etag = full.Header("ETag")!;
        Assert.Equal(206, Get(server, "/file.txt", $"Range: bytes=0-9\r\nIf-Range: {etag}\r\n").Status);
        Assert.Equal(206, Get(server, "/file.txt", $"Range: bytes=0-9\r\nIf-Range: {full.Header("Last-Modified")}\r\n").Status);
        var stale = Get(server, "/file.txt", "Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n");
        Assert.Equal(200, stale.Status);
        Assert.Equal(StaticTree.FileBytes, stale.Body);
        Assert.Equal(200, Get(server, "/file.txt", $"Range: bytes=0-9\r\nIf-Range: W/{etag}\r\n").Status);
    }

    [Fact]
    public void HeadOfRange()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        using var c = server.Connect();
        c.Send("HEAD /file.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n");
        var r = c.ReadResponse(head: true);
        Assert.Equal(206, r.Status);
        Assert.Equal("10", r.Header("Content-Length"));
        c.Send("GET /sub/a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("in sub", c.ReadResponse().Text);
    }

    [Fact]
    public void EmptyFile()
    {
        using var tree = new StaticTree();
        File.WriteAllBytes(Path.Combine(tree.Root, "empty.txt"), []);
        using var server = new SiteServer(new StaticFile(tree.Root));
        var r = Get(server, "/empty.txt");
        Assert.Equal(200, r.Status);
        Assert.Equal("0", r.Header("Content-Length"));
        Assert.Empty(r.Body);
    }

    [Fact]
    public void OtherMethodsAre405()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(tree.Root));
        var r = Get(server, "/file.txt", "Content-Length: 0\r\n", method: "POST");
        Assert.Equal(405, r.Status);
        Assert.Equal("GET, HEAD", r.Header("Allow"));
    }

    [Fact]
    public void SingleFileAsRoot()
    {
        using var tree = new StaticTree();
        using var server = new SiteServer(new StaticFile(Path.Combine(tree.Root, "file.txt")));
        var r = Get(server, "/");
        Assert.Equal(404, r.Status);
        var root = new Resource();
        root.PutChild("f", new StaticFile(Path.Combine(tree.Root, "file.txt")));
        using var server2 = new SiteServer(root);
        Assert.Equal(StaticTree.FileBytes, Get(server2, "/f").Body);
    }
}
