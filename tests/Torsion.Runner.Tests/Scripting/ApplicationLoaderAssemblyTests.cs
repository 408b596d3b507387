using Torsion.Services;
using Torsion.Internet;
using Torsion.Runner.Scripting;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>Loading an application from a prebuilt .dll: each accepted shape, and none or several.</summary>
public sealed class ApplicationLoaderAssemblyTests : IDisposable
{
    private const string Usings = "using System; using Torsion.Services; using Torsion.Internet;\n";

    private readonly TempDirectory _dir = new();
    private readonly IReactor _reactor = Reactors.Create();

    public void Dispose()
    {
        ((IDisposable)_reactor).Dispose();
        _dir.Dispose();
    }

    // Every test builds an assembly of a different name: a name can be loaded only once per load
    // context, and each load gets its own context, but distinct names keep failures readable.
    private string Build(string source, string? name = null, params string[] references) =>
        TestAssemblies.Build(_dir.Path, name ?? "App" + Guid.NewGuid().ToString("N"), Usings + source, references);

    private IService Load(string source) => ApplicationLoader.Load(Build(source), _reactor).Application;

    private ApplicationLoadException Fails(string source) =>
        Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(Build(source), _reactor));

    [Fact]
    public void AStaticPropertyNamedApplication()
    {
        var app = Load("""public static class App { public static IService Application { get; } = new Application("prop"); }""");
        Assert.Equal("prop", app.Name);
    }

    [Fact]
    public void AStaticFieldNamedApplicationInLowerCaseOfADerivedType()
    {
        var app = Load("""public static class App { public static Application application = new Application("field"); }""");
        Assert.IsType<Application>(app);
        Assert.Equal("field", app.Name);
    }

    [Fact]
    public void AParameterlessCreateApplication()
    {
        var app = Load("""public static class App { public static MultiService CreateApplication() => new MultiService { Name = "made" }; }""");
        Assert.Equal("made", app.Name);
    }

    [Fact]
    public void ACreateApplicationTakingTheReactor()
    {
        var loaded = ApplicationLoader.Load(Build("""
            public static class App
            {
                public static IService CreateApplication(IReactor reactor)
                {
                    var application = new Application(reactor.Name);
                    new TcpServer(reactor, 0, new Factory(() => throw new NotSupportedException()), interfaceAddress: "127.0.0.1").SetServiceParent(application);
                    return application;
                }
            }
            """), _reactor);
        Assert.Equal(_reactor.Name, loaded.Application.Name);
        Assert.False(loaded.FromCache);
        Assert.Null(loaded.CacheFile);
    }

    [Fact]
    public void ACreateApplicationTakingANarrowerReactorInterface()
    {
        var app = Load("""public static class App { public static IService CreateApplication(IReactorTcp reactor) => new Application("tcp"); }""");
        Assert.Equal("tcp", app.Name);
    }

    [Fact]
    public void NoApplicationListsWhatWasLookedFor()
    {
        var e = Fails("""public static class App { public static IService Service => new Service(); }""");
        Assert.Contains("defines no application", e.Message);
        Assert.Contains("CreateApplication(IReactor)", e.Message);
    }

    [Fact]
    public void AnApplicationOfTheWrongTypeIsNamedInTheError()
    {
        var e = Fails("""public static class App { public static string Application => "not a service"; }""");
        Assert.Contains("defines no application", e.Message);
        Assert.Contains("App.Application is a System.String, not an IService", e.Message);
    }

    [Fact]
    public void NonPublicTypesAreNotSearched()
    {
        var e = Fails("""internal static class App { public static IService Application { get; } = new Application("hidden"); }""");
        Assert.Contains("defines no application", e.Message);
    }

    [Fact]
    public void SeveralApplicationsAreAnError()
    {
        var e = Fails("""
            public static class One { public static IService Application { get; } = new Application("one"); }
            public static class Two { public static IService CreateApplication() => new Application("two"); }
            """);
        Assert.Contains("several applications (One.Application, Two.CreateApplication())", e.Message);
    }

    [Fact]
    public void AThrowingFactorySaysWhatItThrew()
    {
        var e = Fails("""public static class App { public static IService CreateApplication() => throw new InvalidOperationException("no config"); }""");
        Assert.EndsWith("App.CreateApplication() threw System.InvalidOperationException: no config", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void ANullApplicationIsAnError()
    {
        var e = Fails("""public static class App { public static IService? Application => null; }""");
        Assert.Contains("App.Application is null", e.Message);
    }

    [Fact]
    public void APrivateDependencyBesideTheAssemblyIsFound()
    {
        var library = TestAssemblies.Build(_dir.Path, "AppNames", """public static class Names { public static string Main => "from-library"; }""");
        var app = ApplicationLoader.Load(
            Build("""public static class App { public static IService CreateApplication() => new Application(Names.Main); }""", references: library),
            _reactor).Application;
        Assert.Equal("from-library", app.Name);
    }

    [Fact]
    public void AFileThatIsNotAnAssemblySaysSo()
    {
        var path = _dir.Write("garbage.dll", "this is not a PE file");
        var e = Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(path, _reactor));
        Assert.StartsWith($"{path} is not a .NET assembly", e.Message);
    }

    [Fact]
    public void AMissingAssemblySaysSo()
    {
        var missing = Path.Combine(_dir.Path, "missing.dll");
        var e = Assert.Throws<ApplicationLoadException>(() => ApplicationLoader.Load(missing, _reactor));
        Assert.StartsWith($"{missing}: no such file", e.Message);
    }
}
