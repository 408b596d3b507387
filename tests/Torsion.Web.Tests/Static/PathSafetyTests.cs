using System.Text;
using Torsion.Web.Static;
using Torsion.Web.Tests.Server;

namespace Torsion.Web.Tests.Static;

/// <summary>
/// No request path leaves the root. The requests are raw bytes (curl and most clients would normalise
/// the path first); every vector is refused with 404 (or 400 when the parser already refuses the
/// request line), never the file beside the root.
/// </summary>
public sealed class PathSafetyTests
{
    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/sub/../../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/%2E%2E/secret.txt")]
    [InlineData("/.%2e/secret.txt")]
    [InlineData("/%2e./secret.txt")]
    [InlineData("/sub/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("/..%2fsecret.txt")]
    [InlineData("/..%2Fsecret.txt")]
    [InlineData("/%2e%2e%2fsecret.txt")]
    [InlineData("/sub%2f..%2f..%2fsecret.txt")]
    [InlineData("/..%5csecret.txt")]
    [InlineData("/..%5Csecret.txt")]
    [InlineData("/..\\secret.txt")]
    [InlineData("/sub\\..\\..\\secret.txt")]
    [InlineData("/%252e%252e/secret.txt")]
    [InlineData("/%252e%252e%252fsecret.txt")]
    [InlineData("/..%252fsecret.txt")]
    [InlineData("/file.txt%00.html")]
    [InlineData("/%00/../secret.txt")]
    [InlineData("/./file.txt")]
    [InlineData("/%2e/file.txt")]
    [InlineData("//../secret.txt")]
    [InlineData("/outside/secret.txt")]
    [InlineData("http://x/../secret.txt")]
    public void TraversalIsRefused(string target)
    {
        using var tree = new StaticTree();
        // A directory "%2e%2e" inside the root would make a twice-decoding server serve "../": refused too.
        using var server = new SiteServer(new StaticFile(tree.Root));
        using var c = server.Connect();
        c.Send(Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"));
        var r = c.ReadResponse();
        Assert.True(r.Status is 404 or 400, $"{target}: {r.Status}");
        Assert.DoesNotContain(StaticTree.Secret, r.Text);
        // The server goes on serving.
        Assert.Equal(200, StaticFileTests.Get(server, "/file.txt").Status);
    }

    [Fact]
    public void LiteralPercentNamesAreNotServed()
    {
        using var tree = new StaticTree();
        File.WriteAllText(Path.Combine(tree.Root, "%2e%2e"), "literal");
        using var server = new SiteServer(new StaticFile(tree.Root));
        Assert.Equal(404, StaticFileTests.Get(server, "/%252e%252e").Status);
        // A plain percent sign in a name is fine.
        File.WriteAllText(Path.Combine(tree.Root, "100%.txt"), "full");
        Assert.Equal("full", StaticFileTests.Get(server, "/100%25.txt").Text);
    }

    [Fact]
    public void SymlinksOutsideTheRootAreRefused()
    {
        using var tree = new StaticTree();
        File.CreateSymbolicLink(Path.Combine(tree.Root, "outfile"), Path.Combine(tree.Base, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(tree.Root, "outdir"), Path.Combine(tree.Base, "outside"));
        File.CreateSymbolicLink(Path.Combine(tree.Root, "relative"), "../secret.txt");
        // A chain: an inside link to an inside link that leaves.
        File.CreateSymbolicLink(Path.Combine(tree.Root, "chain"), "outfile");
        Directory.CreateSymbolicLink(Path.Combine(tree.Root, "insidedir"), "sub");
        File.CreateSymbolicLink(Path.Combine(tree.Root, "sub", "up"), "../file.txt");
        using var server = new SiteServer(new StaticFile(tree.Root));
        foreach (var path in new[] { "/outfile", "/outdir/secret.txt", "/outdir/", "/relative", "/chain" })
        {
            var r = StaticFileTests.Get(server, path);
            Assert.True(r.Status == 404, $"{path}: {r.Status}");
            Assert.DoesNotContain(StaticTree.Secret, r.Text);
        }
        Assert.Equal("in sub", StaticFileTests.Get(server, "/insidedir/a.txt").Text);
        Assert.Equal(StaticTree.FileBytes, StaticFileTests.Get(server, "/sub/up").Body);
    }

    [Fact]
    public void SymlinksOutsideTheRootWhenAllowed()
    {
        using var tree = new StaticTree();
        File.CreateSymbolicLink(Path.Combine(tree.Root, "outfile"), Path.Combine(tree.Base, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(tree.Root, "outdir"), Path.Combine(tree.Base, "outside"));
        using var server = new SiteServer(new StaticFile(tree.Root, new StaticFileOptions { FollowSymlinksOutsideRoot = true }));
        Assert.Equal(StaticTree.Secret, StaticFileTests.Get(server, "/outfile").Text);
        Assert.Equal(StaticTree.Secret, StaticFileTests.Get(server, "/outdir/secret.txt").Text);
        // Dot segments stay refused whatever the option.
        Assert.Equal(404, StaticFileTests.Get(server, "/%2e%2e/secret.txt").Status);
    }

    [Fact]
    public void RootThroughASymlinkStillServes()
    {
        using var tree = new StaticTree();
        var link = Path.Combine(tree.Base, "www-link");
        Directory.CreateSymbolicLink(link, tree.Root);
        using var server = new SiteServer(new StaticFile(link));
        Assert.Equal(StaticTree.FileBytes, StaticFileTests.Get(server, "/file.txt").Body);
        Assert.Equal(404, StaticFileTests.Get(server, "/../secret.txt").Status);
    }
}
