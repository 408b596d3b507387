using System.Reflection;
using System.Runtime.Loader;
using Torsion.Services;
using Torsion.Examples.Poetry;
using Torsion.Runner.Plugins;

using Torsion.Runner.Tests.Support;
using Torsion.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>Finding plugins: built in, on the plugin path, and what goes wrong on the way.</summary>
public sealed class PluginCatalogTests
{
    private static readonly Assembly TestAssembly = typeof(TestGreeterPlugin).Assembly;

    [Fact]
    public void BuiltInPluginsAreFoundAndNonPluginsPassedOver()
    {
        var catalog = PluginCatalog.Discover(pluginPath: "", builtIn: [TestAssembly]);

        // Abstract, internal and constructor-needing makers are not plugins; the one whose constructor throws is a warning.
        Assert.Equal([TestGreeterPlugin.PluginName], catalog.Plugins.Select(p => p.Name));
        Assert.IsType<TestGreeterPlugin>(catalog.Find(TestGreeterPlugin.PluginName));
        Assert.Null(catalog.Find("test-abstract"));
        Assert.Null(catalog.Find("test-internal"));
        var warning = Assert.Single(catalog.Warnings);
        Assert.Contains(nameof(ThrowingTestPlugin), warning);
        Assert.Contains(ThrowingTestPlugin.Message, warning);
    }

    [Fact]
    public void TheDefaultBuiltInIsTorsiondAndAnEmptyPathLooksNowhereElse()
    {
        var catalog = PluginCatalog.Discover(pluginPath: "");

        Assert.Empty(catalog.Warnings);
        Assert.Null(catalog.Find("poetry"));
        Assert.Null(catalog.Find(TestGreeterPlugin.PluginName));
    }

    [Fact]
    public void ThePoetryPluginIsFoundThroughThePluginPathInALoadContextOfItsOwn()
    {
        var catalog = PluginCatalog.Discover(PluginFolders.Poetry, builtIn: []);

        Assert.Empty(catalog.Warnings);
        var poetry = Assert.Single(catalog.Plugins);
        Assert.Equal("poetry", poetry.Name);
        Assert.Same(poetry, catalog.Find("poetry"));
        Assert.Null(catalog.Find("Poetry"));
        // Loaded from the plugin folder, not the copy this test project references...
        var context = AssemblyLoadContext.GetLoadContext(poetry.GetType().Assembly);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.NotEqual(typeof(PoetryServiceMaker), poetry.GetType());
        Assert.Equal(PluginFolders.PoetryDll, poetry.GetType().Assembly.Location);
        // ...but against the very contract types torsiond uses.
        var makeService = poetry.GetType().GetMethod(nameof(IServiceMaker.MakeService))!;
        Assert.Equal(typeof(IService), makeService.ReturnType);
        Assert.Contains(context!.Assemblies, a => a == poetry.GetType().Assembly);
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name is "Torsion" or "Torsion.Plugins" or "torsiond" or "System.CommandLine");
        // The contract lives in a library, Torsion.Plugins, shared with torsiond's context; the plugin
        // never references the torsiond executable.
        Assert.Same(typeof(IServiceMaker), poetry.GetType().GetInterfaces().Single(i => i.Name == nameof(IServiceMaker)));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(IServiceMaker).Assembly));
        var references = poetry.GetType().Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.Contains("Torsion.Plugins", references);
        Assert.DoesNotContain("torsiond", references);
    }

    [Fact]
    public void EntriesMayNameAssemblyFilesAndMissingOrEmptyEntriesAreIgnored()
    {
        var path = string.Join(Path.PathSeparator, "/nonexistent/torsion/plugins", "", PluginFolders.PoetryDll, "missing-relative.dll", "");

        var catalog = PluginCatalog.Discover(path, builtIn: []);

        Assert.Empty(catalog.Warnings);
        Assert.Equal(["poetry"], catalog.Plugins.Select(p => p.Name));
    }

    [Fact]
    public void AFileNamedTwiceIsLoadedOnce()
    {
        var path = string.Join(Path.PathSeparator, PluginFolders.Poetry, PluginFolders.PoetryDll);

        var catalog = PluginCatalog.Discover(path, builtIn: []);

        Assert.Empty(catalog.Warnings);
        Assert.Single(catalog.Plugins);
    }

    [Fact]
    public void AJunkDllWarnsAndTheRestAreStillFound()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("junk.dll"), "this is not an assembly");
        PluginFolders.CopyPoetryTo(dir.Path);
        // Copies of the contract assemblies beside a plugin (a careless publish) are passed over silently.
        foreach (var shared in new[] { "Torsion.dll", "Torsion.Plugins.dll", "torsiond.dll", "System.CommandLine.dll" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, shared), dir.File(shared));
        }

        var catalog = PluginCatalog.Discover(dir.Path, builtIn: [TestAssembly]);

        Assert.Equal(["poetry", TestGreeterPlugin.PluginName], catalog.Plugins.Select(p => p.Name));
        var junk = Assert.Single(catalog.Warnings, w => w.Contains("junk.dll"));
        Assert.Contains(dir.File("junk.dll"), junk);
        Assert.Contains("not a .NET assembly", junk);
        Assert.DoesNotContain(catalog.Warnings, w => w.Contains("Torsion.dll") || w.Contains("Torsion.Plugins.dll") || w.Contains("torsiond.dll") || w.Contains("System.CommandLine.dll"));
    }

    [Fact]
    public void DuplicateNamesWarnAndTheFirstOnThePathWins()
    {
        using var dir = new TempDirectory();
        var first = dir.Subdirectory("first");
        var second = dir.Subdirectory("second");
        PluginFolders.CopyPoetryTo(first);
        PluginFolders.CopyPoetryTo(second);

        var catalog = PluginCatalog.Discover(second + Path.PathSeparator + first, builtIn: []);

        var poetry = Assert.Single(catalog.Plugins);
        Assert.Equal(Path.Combine(second, "PoetryPlugin.dll"), poetry.GetType().Assembly.Location);
        var warning = Assert.Single(catalog.Warnings);
        Assert.StartsWith(Path.Combine(first, "PoetryPlugin.dll"), warning);
        Assert.Contains("'poetry'", warning);
        Assert.Contains(second, warning);
    }

    [Fact]
    public void AnAssemblyOnThePathThatIsBuiltInIsNotLoadedAgain()
    {
        // The referenced PoetryPlugin assembly acts as a built-in here (as torsiond.dll does when its
        // own folder is on the path): the plugin folder's copy of it is the same assembly, not a rival.
        var catalog = PluginCatalog.Discover(PluginFolders.Poetry, builtIn: [typeof(PoetryServiceMaker).Assembly]);

        Assert.IsType<PoetryServiceMaker>(Assert.Single(catalog.Plugins));
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public void APluginFoundOnThePathServesThroughTheContractTypes()
    {
        var poetry = PluginCatalog.Discover(PluginFolders.Poetry, builtIn: []).Find("poetry")!;
        var poem = File.ReadAllBytes(PluginFolders.Poem("tyger.txt"));
        using var runner = new BackgroundReactor();

        // Only Torsion's types are visible here: the service's own type lives in the plugin's context.
        var service = runner.Call(() =>
        {
            var s = PluginCommand.MakeService(poetry, ["--listen", PoetryServer.AnyLoopbackPort, "--poem", PluginFolders.Poem("tyger.txt")], runner.Reactor);
            s.StartService();
            return s;
        });
        var listener = (StreamServerEndpointService)Assert.Single(((IServiceCollection)service).Services);
        var address = (System.Net.IPEndPoint)runner.CallDeferred(listener.WhenListening).GetHost();

        Assert.Equal(poem, PoetryServer.ReadPoem(address));
        runner.CallDeferred(service.StopService);
    }
}
