using Torsion.Internet;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>What every script-loading test needs: a fresh directory for scripts, a cache inside it, and a reactor.</summary>
public abstract class ScriptLoaderTestBase : IDisposable
{
    protected TempDirectory Dir { get; } = new();

    protected IReactor Reactor { get; } = Reactors.Create();

    protected string CacheDir => Path.Combine(Dir.Path, "cache");

    public void Dispose()
    {
        ((IDisposable)Reactor).Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
