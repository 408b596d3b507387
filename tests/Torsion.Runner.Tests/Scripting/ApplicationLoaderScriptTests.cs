using System.Runtime.InteropServices;
using Torsion.Services;
using Torsion.Internet;
using Torsion.Runner.Scripting;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>Loading an application from a .csx script: compiling, caching by content, and every error a user can make.</summary>
public sealed class ApplicationLoaderScriptTests : ScriptLoaderTestBase
{
    private const string GoodScript = """
        // A one-service application, as a torsiond user writes it.
        class Echo : Protocol
        {
            public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
        }

        var application = new Application("echo");
        new TcpServer(Reactor, 0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1").SetServiceParent(application);
        """;


    private ApplicationLoadException LoadFails(string script, string name = "app.csx")
    {
        var path = Dir.Write(name, script);
        return Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(path, Reactor, CacheDir));
    }

    [Fact]
    public void AGoodScriptCompilesAndDefinesTheApplication()
    {
        var path = Dir.Write("echo.csx", GoodScript);
        var loaded = ApplicationLoader.Load(path, Reactor, CacheDir);
        var app = Assert.IsType<Application>(loaded.Application);
        Assert.Equal("echo", app.Name);
        var server = Assert.IsType<TcpServer>(Assert.Single(app.Services));
        Assert.False(server.Running);
        Assert.Equal(path, loaded.Path);
        Assert.False(loaded.FromCache);
        Assert.NotNull(loaded.CacheFile);
        Assert.StartsWith(CacheDir, loaded.CacheFile);
    }

    [Fact]
    public void TheScriptSeesTheReactorAsAGlobal()
    {
        var path = Dir.Write("app.csx", """
            var application = new Application(Reactor.Name);
            """);
        Assert.Equal(Reactor.Name, ApplicationLoader.Load(path, Reactor, CacheDir).Application.Name);
    }

    [Fact]
    public void TheSecondLoadOfTheSameTextComesFromTheCache()
    {
        var path = Dir.Write("echo.csx", GoodScript);
        var first = ApplicationLoader.Load(path, Reactor, CacheDir);
        var second = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.CacheFile, second.CacheFile);
        Assert.Equal("echo", second.Application.Name);
        // Each load runs the script afresh: a new service tree, not the first one again.
        Assert.NotSame(first.Application, second.Application);
    }

    [Fact]
    public void AnEditCompilesAgain()
    {
        var path = Dir.Write("app.csx", """var application = new Application("one");""");
        var first = ApplicationLoader.Load(path, Reactor, CacheDir);
        File.WriteAllText(path, """var application = new Application("two");""");
        var edited = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.False(edited.FromCache);
        Assert.Equal("two", edited.Application.Name);
        Assert.NotEqual(first.CacheFile, edited.CacheFile);
        File.WriteAllText(path, """var application = new Application("one");""");
        Assert.True(ApplicationLoader.Load(path, Reactor, CacheDir).FromCache);
    }

    [Fact]
    public void ADamagedCacheEntryIsCompiledAgain()
    {
        var path = Dir.Write("app.csx", """var application = new Application("app");""");
        var first = ApplicationLoader.Load(path, Reactor, CacheDir);
        File.WriteAllBytes(first.CacheFile!, [1, 2, 3]);
        var again = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.False(again.FromCache);
        Assert.Equal("app", again.Application.Name);
        Assert.True(ApplicationLoader.Load(path, Reactor, CacheDir).FromCache);
    }

    [Fact]
    public void TheCacheDirectoryIsCreatedPrivate()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
            return;
        }
        var path = Dir.Write("app.csx", """var application = new Application("app");""");
        ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(CacheDir));
        // Only the entry and its manifest: no temporary file is left behind.
        Assert.Equal([".deps", ".dll"], Directory.GetFiles(CacheDir).Select(Path.GetExtension).Order());
    }

    [Fact]
    public void ACacheDirectoryOthersCanWriteToIsNotUsed()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
            return;
        }
        Directory.CreateDirectory(CacheDir);
        File.SetUnixFileMode(CacheDir, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        var path = Dir.Write("app.csx", """var application = new Application("app");""");
        ApplicationLoader.Load(path, Reactor, CacheDir);
        var second = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.False(second.FromCache);
        Assert.Null(second.CacheFile);
        Assert.Empty(Directory.GetFiles(CacheDir));
    }

    [Fact]
    public void AnUnwritableCacheOnlyMeansNoCaching()
    {
        // A file where the cache directory should be: it can be neither created nor written.
        var blocked = Dir.Write("not-a-directory", "");
        var path = Dir.Write("app.csx", """var application = new Application("app");""");
        var first = ApplicationLoader.Load(path, Reactor, Path.Combine(blocked, "cache"));
        var second = ApplicationLoader.Load(path, Reactor, Path.Combine(blocked, "cache"));
        Assert.Equal("app", second.Application.Name);
        Assert.False(first.FromCache);
        Assert.False(second.FromCache);
        Assert.Null(second.CacheFile);
    }

    [Fact]
    public void AnEmptyCacheDirectoryMeansNoCaching()
    {
        var path = Dir.Write("app.csx", """var application = new Application("app");""");
        ApplicationLoader.Load(path, Reactor, "");
        var second = ApplicationLoader.Load(path, Reactor, "");
        Assert.False(second.FromCache);
        Assert.Null(second.CacheFile);
    }

    [Fact]
    public void CompileErrorsAreListedOnePerLineWithThePathAsGiven()
    {
        var path = Dir.Write("broken.csx", """
            var application = new Application("broken");

            int x = "not a number";
            Undefined();
            """);
        // A relative path stays relative in the messages, as a compiler prints it.
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        var e = Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(relative, Reactor, CacheDir));
        var lines = e.Message.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{relative}(3,9): error CS0029: ", lines[0]);
        Assert.StartsWith($"{relative}(4,1): error CS0103: ", lines[1]);
        // Nothing is cached for a script that did not compile.
        Assert.False(Directory.Exists(CacheDir) && Directory.EnumerateFiles(CacheDir).Any());
    }

    [Fact]
    public void AScriptWithoutApplicationSaysSo()
    {
        var e = LoadFails("""var app = new Application("misnamed");""", "noapp.csx");
        Assert.Contains("does not define a variable named 'application'", e.Message);
        Assert.StartsWith(Path.Combine(Dir.Path, "noapp.csx"), e.Message);
    }

    [Fact]
    public void AnApplicationThatIsAStringSaysWhatItIs()
    {
        var e = LoadFails("""var application = "reverser";""");
        Assert.Contains("'application' is a System.String, not an IService", e.Message);
    }

    [Fact]
    public void AnApplicationOfAScriptDeclaredTypeIsNamedAsWritten()
    {
        var e = LoadFails("""
            class Config { }
            var application = new Config();
            """);
        Assert.Contains("'application' is a Config, not an IService", e.Message);
    }

    [Fact]
    public void ANullApplicationSaysSo()
    {
        var e = LoadFails("""Application? application = null;""");
        Assert.Contains("'application' is null", e.Message);
    }

    [Fact]
    public void AThrowingScriptGivesTheExceptionAndTheLine()
    {
        var e = LoadFails("""
            var application = new Application("app");

            throw new InvalidOperationException("no configuration found");
            """, "throws.csx");
        Assert.Equal($"{Path.Combine(Dir.Path, "throws.csx")}(3): the script threw System.InvalidOperationException: no configuration found", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void AnExceptionInAMethodOfTheScriptPointsAtThatMethod()
    {
        var e = LoadFails("""
            int Port(string text) =>
                int.Parse(text);

            var application = new Application("app");
            var port = Port("eighty");
            """);
        Assert.Contains("app.csx(2): the script threw System.FormatException", e.Message);
    }

    [Fact]
    public void AThrowingScriptThrowsAgainWhenLoadedFromTheCache()
    {
        var path = Dir.Write("app.csx", """
            var application = new Application("app");
            if (Environment.GetEnvironmentVariable("TORSION_TEST_NEVER_SET") is null) throw new ArgumentException("bad");
            """);
        Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(path, Reactor, CacheDir));
        var e = Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(path, Reactor, CacheDir));
        Assert.EndsWith("app.csx(2): the script threw System.ArgumentException: bad", e.Message);
    }

    [Fact]
    public void AMissingFileSaysSo()
    {
        var missing = Path.Combine(Dir.Path, "nowhere.csx");
        var e = Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(missing, Reactor, CacheDir));
        Assert.StartsWith($"{missing}: no such file", e.Message);
    }

    [Fact]
    public void LoadedScriptsAndReferencedAssembliesAreFollowedAndTracked()
    {
        Dir.Write("names.csx", """static string AppName() => "from-load";""");
        var path = Dir.Write("app.csx", """
            #load "names.csx"
            var application = new Application(AppName());
            """);
        var first = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.Equal("from-load", first.Application.Name);
        Assert.True(ApplicationLoader.Load(path, Reactor, CacheDir).FromCache);
        // Editing only the #load'ed file must recompile, although the script's own text is unchanged.
        Dir.Write("names.csx", """static string AppName() => "edited";""");
        var edited = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.False(edited.FromCache);
        Assert.Equal("edited", edited.Application.Name);
    }

    [Fact]
    public void AReferencedAssemblyIsFoundOnACacheHitAndARebuildRecompiles()
    {
        var library = Path.Combine(Dir.Path, "lib");
        Directory.CreateDirectory(library);
        TestAssemblies.Build(library, "ScriptNames", """public static class Names { public static string Main => "one"; }""");
        var path = Dir.Write("app.csx", """
            #r "lib/ScriptNames.dll"
            var application = new Application(Names.Main);
            """);
        Assert.Equal("one", ApplicationLoader.Load(path, Reactor, CacheDir).Application.Name);
        var cached = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.True(cached.FromCache);
        Assert.Equal("one", cached.Application.Name);
        TestAssemblies.Build(library, "ScriptNames", """public static class Names { public static string Main => "two"; }""");
        var rebuilt = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.False(rebuilt.FromCache);
        Assert.Equal("two", rebuilt.Application.Name);
    }

    [Fact]
    public void AnErrorInALoadedFileNamesThatFile()
    {
        var names = Dir.Write("names.csx", """static string AppName() => 42;""");
        var e = LoadFails("""
            #load "names.csx"
            var application = new Application(AppName());
            """);
        Assert.StartsWith($"{names}(1,28): error CS0029: ", e.Message);
    }

    [Fact]
    public void TheDefaultCacheDirectoryFollowsTheEnvironment()
    {
        Assert.SkipWhen(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "XDG layout");
        // Read-only check of the rule with the environment as it is: the variables are process-wide
        // and other tests run in parallel, so this test does not set them.
        var expected = Environment.GetEnvironmentVariable("TORSION_CACHE_DIR") is { Length: > 0 } explicitDirectory
            ? Path.GetFullPath(explicitDirectory)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
                ? Path.Combine(xdg, "torsiond")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "torsiond");
        Assert.Equal(expected, ApplicationLoader.DefaultCacheDirectory);
    }

    [Fact]
    public void AScriptUsesTorsionEnterpriseAndBothProvidersWithoutAnyReference()
    {
        // No #r: torsiond compiles scripts against Torsion.Enterprise, Microsoft.Data.Sqlite and Npgsql, and the
        // script's load context shares torsiond's copies; SQLite's native library loads from the output.
        var db = Path.Combine(Dir.Path, "lines.db");
        var path = Dir.Write("db.csx", $$"""
            using Microsoft.Data.Sqlite;
            using Npgsql;
            using Torsion.Enterprise;

            var pool = new ConnectionPool(SqliteFactory.Instance, "Data Source={{db}}", min: 0, max: 1, reactor: Reactor);
            var builder = new NpgsqlConnectionStringBuilder("Host=127.0.0.1;Database=none");
            var connection = new SqliteConnection("Data Source={{db}}");
            connection.Open();
            var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version()";
            var application = new Application($"sqlite {command.ExecuteScalar()} {builder.Database} {pool.Max}");
            connection.Dispose();
            """);
        var loaded = ApplicationLoader.Load(path, Reactor, CacheDir);
        Assert.Matches(@"^sqlite 3\.\d+\.\d+ none 1$", loaded.Application.Name);
        // The pool's types are torsiond's own, not a second copy in the script's context.
        var poolType = typeof(Torsion.Enterprise.ConnectionPool);
        Assert.Contains(loaded.Assembly.GetReferencedAssemblies(), a => a.Name == poolType.Assembly.GetName().Name);
        Assert.Same(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(poolType.Assembly));
        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Torsion.Enterprise");
    }
}
