using Torsion.Internet;
using Torsion.Runner.Scripting;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>
/// The script cache prunes itself: a compilation that stores a new entry deletes entries unused for
/// 30 days and temporary files a crash left, and a cache hit counts as a use. Files the cache did not
/// write are never touched.
/// </summary>
public sealed class ScriptCachePruningTests : ScriptLoaderTestBase
{
    private const string Script = """var application = new Application("pruned");""";


    private string Make(string name, TimeSpan age)
    {
        var path = Path.Combine(CacheDir, name);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public void StoringAnEntryDeletesOldEntriesAndStaleTemporariesOnly()
    {
        Assert.NotNull(ScriptCache.Open(CacheDir));
        var oldKey = new string('a', 64);
        var recentKey = new string('b', 64);
        var oldDll = Make(oldKey + ".dll", TimeSpan.FromDays(40));
        var oldDeps = Make(oldKey + ".deps", TimeSpan.FromDays(40));
        var recentDll = Make(recentKey + ".dll", TimeSpan.FromDays(40));
        var recentDeps = Make(recentKey + ".deps", TimeSpan.FromDays(1));
        var loneOldDeps = Make(new string('c', 64) + ".deps", TimeSpan.FromDays(31));
        var staleTemporary = Make(oldKey + ".dll.0123456789abcdef.tmp", TimeSpan.FromHours(2));
        var freshTemporary = Make(recentKey + ".dll.0123456789abcdef.tmp", TimeSpan.FromMinutes(1));
        var notOurs = Make("notes.txt", TimeSpan.FromDays(400));
        var notOursEither = Make("readme.dll", TimeSpan.FromDays(400));

        var loaded = ApplicationLoader.Load(Dir.Write("app.csx", Script), Reactor, CacheDir);

        Assert.False(loaded.FromCache);
        Assert.True(File.Exists(loaded.CacheFile));
        Assert.False(File.Exists(oldDll));
        Assert.False(File.Exists(oldDeps));
        Assert.False(File.Exists(loneOldDeps));
        Assert.False(File.Exists(staleTemporary));
        // The recent entry's assembly is old, but its manifest was used yesterday: the entry stays whole.
        Assert.True(File.Exists(recentDll));
        Assert.True(File.Exists(recentDeps));
        Assert.True(File.Exists(freshTemporary));
        Assert.True(File.Exists(notOurs));
        Assert.True(File.Exists(notOursEither));
    }

    [Fact]
    public void ACacheHitCountsAsAUse()
    {
        var script = Dir.Write("app.csx", Script);
        var stored = ApplicationLoader.Load(script, Reactor, CacheDir);
        var manifest = Path.ChangeExtension(stored.CacheFile!, ".deps");
        File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow - TimeSpan.FromDays(29));

        var hit = ApplicationLoader.Load(script, Reactor, CacheDir);

        Assert.True(hit.FromCache);
        Assert.True(DateTime.UtcNow - File.GetLastWriteTimeUtc(manifest) < TimeSpan.FromMinutes(5));
        var cache = ScriptCache.Open(CacheDir)!;
        // Pruning as if 29 days had passed keeps the entry; as if 31 had, removes it.
        cache.Prune(DateTime.UtcNow + TimeSpan.FromDays(29));
        Assert.True(File.Exists(stored.CacheFile));
        cache.Prune(DateTime.UtcNow + TimeSpan.FromDays(31));
        Assert.False(File.Exists(stored.CacheFile));
        Assert.False(File.Exists(manifest));
    }
}
