using Torsion.Services;
using Torsion.Internet;
using Torsion.Runner.Daemon;
using Torsion.Runner.Persistence;
using Torsion.Plugins;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Sources;

/// <summary>
/// <c>torsiond NAME args...</c> (or a .tap that recorded them): the plugin builds the service tree,
/// under an <see cref="Application"/> named after the plugin, and the run is saved
/// as the plugin's name and arguments.
/// </summary>
/// <remarks>
/// The arguments are parsed in <paramref name="directory"/>, the directory they were first typed in,
/// so relative paths in them (a poem file, a certificate) name the same files when a .tap made
/// elsewhere is started again.
/// </remarks>
internal sealed class PluginSource(IServiceMaker plugin, IReadOnlyList<string> arguments, string description, string directory) : IApplicationSource
{
    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public IService Build(IReactor reactor)
    {
        IService service;
        var here = Environment.CurrentDirectory;
        try
        {
            if (directory != here && Directory.Exists(directory))
            {
                Directory.SetCurrentDirectory(directory);
            }
            service = PluginCommand.MakeService(plugin, arguments, reactor);
        }
        catch (PluginOptionsException e)
        {
            // A usage error, like a parse error: exit status 2.
            throw new RunnerException($"{plugin.Name}: {e.Message}", e, exitStatus: 2);
        }
        finally
        {
            Directory.SetCurrentDirectory(here);
        }
        if (service is Application app)
        {
            return app;
        }
        var root = new Application(plugin.Name);
        service.SetServiceParent(root);
        return root;
    }

    /// <inheritdoc />
    public TapDocument? Snapshot(IService application)
    {
        var app = application as Application;
        return new TapDocument
        {
            Saved = DateTimeOffset.UtcNow,
            Torsiond = typeof(PluginSource).Assembly.GetName().Version?.ToString(3),
            Application = application.Name ?? plugin.Name,
            Plugin = plugin.Name,
            Arguments = [.. arguments],
            Directory = directory,
            Uid = app?.Uid is { } u and >= 0 ? (uint)u : null,
            Gid = app?.Gid is { } g and >= 0 ? (uint)g : null,
            Services = TapFile.Describe(application),
        };
    }
}
