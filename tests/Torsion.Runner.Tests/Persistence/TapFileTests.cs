using Torsion.Services;
using Torsion.Runner.Daemon;
using Torsion.Runner.Persistence;

namespace Torsion.Runner.Tests.Persistence;

/// <summary>The .tap format: a readable, versioned JSON recipe written atomically and refused when it is not one.</summary>
public sealed class TapFileTests
{
    private static string TempPath(string name = "app-shutdown.tap") => Path.Combine(Directory.CreateTempSubdirectory("torsiond-tap").FullName, name);

    [Fact]
    public void RoundTrips()
    {
        var path = TempPath();
        var saved = new TapDocument
        {
            Saved = DateTimeOffset.UtcNow,
            Application = "poetry",
            Plugin = "poetry",
            Arguments = ["--listen", "tcp:10000", "--poem", "a.txt"],
            Directory = "/srv",
            Uid = 65534,
            Services = ["poetry (Application)"],
        };
        TapFile.Save(saved, path);
        Assert.False(File.Exists(path + ".tmp"));
        var text = File.ReadAllText(path);
        Assert.Contains("\"format\": \"torsion-tap\"", text);
        Assert.Contains("\"version\": 1", text);
        var loaded = TapFile.Load(path);
        Assert.Equal(saved.Plugin, loaded.Plugin);
        Assert.Equal(saved.Arguments, loaded.Arguments);
        Assert.Equal(saved.Directory, loaded.Directory);
        Assert.Equal(saved.Uid, loaded.Uid);
        Assert.Null(loaded.Gid);
    }

    [Theory]
    [InlineData("not json", "is not a tap file")]
    [InlineData("{\"format\":\"other\",\"version\":1,\"plugin\":\"x\"}", "is not a tap file")]
    [InlineData("{\"format\":\"torsion-tap\",\"version\":9,\"plugin\":\"x\"}", "version 9")]
    [InlineData("{\"format\":\"torsion-tap\",\"version\":1}", "names no plugin")]
    public void RefusesWhatItCannotRead(string content, string expected)
    {
        var path = TempPath();
        File.WriteAllText(path, content);
        var e = Assert.Throws<RunnerException>(() => TapFile.Load(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DescribesTheServiceTree()
    {
        var app = new Application("root");
        var child = new MultiService { Name = "child" };
        child.SetServiceParent(app);
        new Service { Name = "leaf" }.SetServiceParent(child);
        Assert.Equal(["root (Application)", "  child (MultiService)", "    leaf (Service)"], TapFile.Describe(app));
    }
}
