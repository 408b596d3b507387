using Torsion.Application;
using Torsion.Internet;
using Torsion.Runner.Daemon;
using Torsion.Runner.Persistence;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Sources;

/// <summary>
/// <c>torsiond NAME args...</c> (or a .tap that recorded them): the plugin builds the service tree,
/// under an <see cref="Torsion.Application.Application"/> named after the plugin, and the run is saved
/// as the plugin's name and arguments.
/// </summary>
internal sealed class PluginSource(IServiceMaker plugin, IReadOnlyList<string> arguments, string description) : IApplicationSource
{
    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public IService Build(IReactor reactor)
    {
        IService service;
        try
        {
            service = PluginCommand.MakeService(plugin, arguments, reactor);
        }
        catch (PluginOptionsException e)
        {
            throw new RunnerException($"{plugin.Name}: {e.Message}", e);
        }
        if (service is Torsion.Application.Application app)
        {
            return app;
        }
        var root = new Torsion.Application.Application(plugin.Name);
        service.SetServiceParent(root);
        return root;
    }

    /// <inheritdoc />
    public TapDocument? Snapshot(IService application)
    {
        var app = application as Torsion.Application.Application;
        return new TapDocument
        {
            Saved = DateTimeOffset.UtcNow,
            Torsiond = typeof(PluginSource).Assembly.GetName().Version?.ToString(3),
            Application = application.Name ?? plugin.Name,
            Plugin = plugin.Name,
            Arguments = [.. arguments],
            Directory = Environment.CurrentDirectory,
            Uid = app?.Uid is { } u and >= 0 ? (uint)u : null,
            Gid = app?.Gid is { } g and >= 0 ? (uint)g : null,
            Services = TapFile.Describe(application),
        };
    }
}
