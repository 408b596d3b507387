using System.Reflection;
using System.Runtime.Loader;
using Torsion.Plugins;

namespace Torsion.Runner.Plugins;

/// <summary>
/// The load context of one plugin assembly. The plugin's own dependencies are resolved beside it
/// (through its .deps.json when there is one), so two plugins may carry different versions of a
/// library; but the assemblies that define the plugin contract (Torsion.Plugins, Torsion,
/// System.CommandLine) come from the default context, so that <see cref="IServiceMaker"/>,
/// <c>IService</c>, <c>IReactor</c> and System.CommandLine's types are the very types torsiond uses
/// (a second copy of Torsion.Plugins.dll or Torsion.dll would make every cast fail).
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    /// <summary>
    /// The contract assemblies, always shared with torsiond even if a copy sits beside the plugin
    /// (torsiond too: a plugin never needs its own copy of the runner).
    /// </summary>
    internal static readonly IReadOnlySet<string> SharedAssemblies =
        new HashSet<string>([ContractAssembly, "Torsion", "System.CommandLine", "torsiond"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The assembly a plugin references to implement <see cref="IServiceMaker"/>: Torsion.Plugins.</summary>
    internal static string ContractAssembly => typeof(IServiceMaker).Assembly.GetName().Name!;

    private readonly AssemblyDependencyResolver? _resolver;
    private readonly string _directory;

    /// <summary>A context for the plugin assembly at <paramref name="pluginPath"/> (a full path).</summary>
    internal PluginLoadContext(string pluginPath)
        : base($"torsiond plugin {Path.GetFileName(pluginPath)}")
    {
        _directory = Path.GetDirectoryName(pluginPath)!;
        // Without a .deps.json the resolver knows no more than the directory probe below does.
        if (File.Exists(Path.ChangeExtension(pluginPath, ".deps.json")))
        {
            _resolver = new AssemblyDependencyResolver(pluginPath);
        }
    }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } name || SharedAssemblies.Contains(name))
        {
            return null;
        }
        // Already loaded by torsiond (the framework, Torsion's own dependencies): share it, so a type
        // the plugin hands back is the one torsiond knows, unless the plugin needs a newer version.
        foreach (var loaded in Default.Assemblies)
        {
            var loadedName = loaded.GetName();
            if (string.Equals(loadedName.Name, name, StringComparison.OrdinalIgnoreCase) &&
                (assemblyName.Version is null || loadedName.Version >= assemblyName.Version))
            {
                return loaded;
            }
        }
        var path = _resolver?.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            var beside = Path.Combine(_directory, name + ".dll");
            path = File.Exists(beside) ? beside : null;
        }
        // Null falls back to the default context, which holds the framework and torsiond's own dependencies.
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc/>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
