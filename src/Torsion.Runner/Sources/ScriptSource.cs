using Torsion.Services;
using Torsion.Internet;
using Torsion.Runner.Daemon;
using Torsion.Runner.Persistence;
using Torsion.Runner.Scripting;
using Torsion.Logging;

namespace Torsion.Runner.Sources;

/// <summary>-y FILE: a .csx script or a .dll that defines the application. Never saved: the file is the source of truth.</summary>
internal sealed class ScriptSource(string path) : IApplicationSource
{
    private static readonly Logger Log = Logger.For<ScriptSource>();

    /// <inheritdoc />
    public string Description => path;

    /// <inheritdoc />
    public IService Build(IReactor reactor)
    {
        try
        {
            var loaded = ApplicationLoader.Load(path, reactor);
            Log.Info("Loaded {path}{how}", ("path", path), ("how", loaded.FromCache ? " (compiled earlier, from the cache)" : ""));
            return loaded.Application;
        }
        catch (ApplicationLoadException e)
        {
            throw new RunnerException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public TapDocument? Snapshot(IService application) => null;
}
