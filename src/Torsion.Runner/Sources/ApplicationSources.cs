using Torsion.Runner.Cli;
using Torsion.Runner.Daemon;
using Torsion.Runner.Persistence;
using Torsion.Runner.Plugins;

namespace Torsion.Runner.Sources;

/// <summary>Picks the <see cref="IApplicationSource"/> a command line asks for.</summary>
internal static class ApplicationSources
{
    /// <summary>The source for <paramref name="options"/>, with plugins from <paramref name="catalog"/>.</summary>
    public static IApplicationSource For(RunnerOptions options, PluginCatalog catalog)
    {
        if (options.ApplicationFile is { } file)
        {
            return new ScriptSource(file);
        }
        if (options.TapFile is { } tapPath)
        {
            var tap = TapFile.Load(tapPath);
            var saved = catalog.Find(tap.Plugin)
                ?? throw new RunnerException($"{tapPath} was saved by the plugin '{tap.Plugin}', which is not installed here (see torsiond --help and TORSION_PLUGIN_PATH).");
            return new PluginSource(saved, tap.Arguments, $"{tapPath} (plugin {tap.Plugin})", tap.Directory ?? Environment.CurrentDirectory);
        }
        var name = options.PluginName ?? throw new RunnerException("nothing to run.");
        var plugin = catalog.Find(name) ?? throw new RunnerException($"no plugin named '{name}'.");
        return new PluginSource(plugin, options.PluginArguments, $"plugin {name}", Environment.CurrentDirectory);
    }
}
