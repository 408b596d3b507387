using System.Reflection;
using System.Runtime.Loader;

namespace Torsion.Runner.Scripting;

/// <summary>
/// The load context of one application assembly (a compiled script or a user's <c>.dll</c>) and
/// its private dependencies.
/// </summary>
/// <remarks>
/// Torsion, torsiond, Torsion.Enterprise and the framework are always taken from the default context: the application
/// must see the very <c>IService</c> and <c>IReactor</c> types torsiond uses, or the service tree it
/// returns could not even be cast. Anything else is looked up by the resolver first (the script's
/// <c>#r</c> files, the <c>.dll</c>'s deps.json and directory), so an application may carry its own
/// libraries without clashing with another's. The context is not collectible: an application lives
/// as long as the process.
/// </remarks>
internal sealed class ApplicationLoadContext : AssemblyLoadContext
{
    private static readonly Lazy<HashSet<string>> SharedNames = new(LoadSharedNames);

    private readonly Func<AssemblyName, string?> _resolve;
    private readonly Func<string, string?> _resolveUnmanaged;

    /// <summary>Creates a context named <paramref name="name"/> that finds private assemblies with <paramref name="resolve"/> (a path, or null to fall back to the default context).</summary>
    public ApplicationLoadContext(string name, Func<AssemblyName, string?> resolve, Func<string, string?>? resolveUnmanaged = null)
        : base(name, isCollectible: false)
    {
        _resolve = resolve;
        _resolveUnmanaged = resolveUnmanaged ?? (static _ => null);
    }

    /// <summary>True for the assemblies every application shares with torsiond: the framework's, Torsion's, torsiond's own and Torsion.Enterprise.</summary>
    public static bool IsShared(AssemblyName name) => name.Name is { } simple && SharedNames.Value.Contains(simple);

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null;
        }
        var path = _resolve(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc/>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolveUnmanaged(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    private static HashSet<string> LoadSharedNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            typeof(Torsion.Internet.IReactor).Assembly.GetName().Name!,
            typeof(ApplicationLoadContext).Assembly.GetName().Name!,
        };
        names.UnionWith(ScriptLibraries.SharedNames);
        foreach (var path in FrameworkAssemblies.Paths)
        {
            names.Add(System.IO.Path.GetFileNameWithoutExtension(path));
        }
        return names;
    }
}
