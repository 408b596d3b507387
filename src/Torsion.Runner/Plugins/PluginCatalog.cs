using System.Reflection;
using Torsion.Plugins;

namespace Torsion.Runner.Plugins;

/// <summary>
/// The plugins torsiond can run (twistd's <c>getPlugins(IServiceMaker)</c>): every
/// <see cref="IServiceMaker"/> in torsiond itself and in the assemblies on <c>TORSION_PLUGIN_PATH</c>.
/// </summary>
/// <remarks>
/// <para>
/// A plugin is a public, non-abstract, non-generic class implementing <see cref="IServiceMaker"/>
/// with a public parameterless constructor. Each assembly from the plugin path is loaded into an
/// <see cref="System.Runtime.Loader.AssemblyLoadContext"/> of its own, which resolves the plugin's
/// dependencies beside it (through its .deps.json when it has one) but takes Torsion.Plugins (the
/// contract every plugin references), Torsion, System.CommandLine, and any assembly torsiond has
/// already loaded, from torsiond's (default) context, so the plugin implements the very interface
/// torsiond calls. Only assemblies that reference Torsion.Plugins are loaded.
/// </para>
/// <para>
/// Discovery never throws for a bad plugin: a file that is not an assembly, an assembly that fails
/// to load, a plugin whose constructor throws, a name used twice: each becomes a line in
/// <see cref="Warnings"/> naming the file and the reason, and the rest are still found.
/// </para>
/// </remarks>
internal sealed class PluginCatalog
{
    /// <summary>The environment variable listing where plugins are looked for: <see cref="Path.PathSeparator"/>-separated (':' on Unix) directories and .dll files.</summary>
    public const string PluginPathVariable = "TORSION_PLUGIN_PATH";

    private readonly Dictionary<string, IServiceMaker> _byName;

    private PluginCatalog(Dictionary<string, IServiceMaker> byName, IReadOnlyList<string> warnings)
    {
        _byName = byName;
        Plugins = [.. byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];
        Warnings = warnings;
    }

    /// <summary>The plugins found, one per name, sorted by name (ordinal).</summary>
    public IReadOnlyList<IServiceMaker> Plugins { get; }

    /// <summary>
    /// What went wrong while looking, one line each, naming the file (or type) and the reason:
    /// files that are not .NET assemblies, assemblies or types that failed to load, plugins whose
    /// constructor or <see cref="IServiceMaker.Name"/> threw or gave an unusable name, and plugins
    /// passed over because an earlier one had the same name. Empty when all went well.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The plugin named <paramref name="name"/> (case-sensitive), or null.</summary>
    public IServiceMaker? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The assemblies whose plugins torsiond always offers: its own, Torsion.Names (<c>dns</c>) and
    /// Torsion.Web (<c>web</c>).
    /// </summary>
    public static IReadOnlyList<Assembly> BuiltIn { get; } =
        [typeof(PluginCatalog).Assembly, typeof(Torsion.Names.Tap.DnsServiceMaker).Assembly, typeof(Torsion.Web.Tap.WebServiceMaker).Assembly];

    /// <summary>Finds the plugins in <paramref name="builtIn"/> and then in <paramref name="pluginPath"/>.</summary>
    /// <param name="pluginPath">
    /// Where to look beyond the built-in assemblies: entries separated by <see cref="Path.PathSeparator"/>
    /// (':' on Unix), each a directory (every *.dll directly in it, in name order) or an assembly file;
    /// relative entries are taken from the current directory; missing entries and empty ones are
    /// ignored. Null (the default) reads <see cref="PluginPathVariable"/>; pass "" to look nowhere else.
    /// </param>
    /// <param name="builtIn">
    /// The assemblies scanned first, in order, as they are loaded already (no new context). Null (the
    /// default) means <see cref="BuiltIn"/>. A path entry naming one of these, or Torsion,
    /// Torsion.Plugins or System.CommandLine, is skipped silently.
    /// </param>
    /// <remarks>When two plugins share a name the first one wins: built-ins, then path order; each later one adds a warning.</remarks>
    public static PluginCatalog Discover(string? pluginPath = null, IEnumerable<Assembly>? builtIn = null)
    {
        pluginPath ??= Environment.GetEnvironmentVariable(PluginPathVariable) ?? "";
        var builtInAssemblies = (builtIn ?? BuiltIn).Distinct().ToArray();
        var warnings = new List<string>();
        var byName = new Dictionary<string, IServiceMaker>(StringComparer.Ordinal);
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);

        void Add(IEnumerable<IServiceMaker> found, string origin)
        {
            foreach (var plugin in found)
            {
                var name = plugin.Name;
                if (byName.TryAdd(name, plugin))
                {
                    origins[name] = origin;
                }
                else
                {
                    warnings.Add($"{origin}: plugin '{name}' ({plugin.GetType().FullName}) ignored: a plugin of that name was already found in {origins[name]}.");
                }
            }
        }

        foreach (var assembly in builtInAssemblies)
        {
            var origin = string.IsNullOrEmpty(assembly.Location) ? assembly.GetName().Name ?? "?" : assembly.Location;
            Add(MakersIn(assembly, origin, warnings), origin);
        }

        var skipNames = new HashSet<string>(PluginLoadContext.SharedAssemblies, StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in builtInAssemblies)
        {
            if (assembly.GetName().Name is { } n)
            {
                skipNames.Add(n);
            }
        }
        foreach (var file in CandidateFiles(pluginPath))
        {
            var candidate = PluginAssemblyFile.Inspect(file, PluginLoadContext.ContractAssembly, out var error);
            if (candidate is null)
            {
                warnings.Add($"{file}: {error}");
                continue;
            }
            if (skipNames.Contains(candidate.Name) || !candidate.ReferencesContract)
            {
                // torsiond, a copy of the contract assemblies, or a library a plugin carries:
                // nothing here can implement IServiceMaker, and loading it on its own would only add noise.
                continue;
            }
            Assembly assembly;
            try
            {
                assembly = new PluginLoadContext(file).LoadFromAssemblyPath(file);
            }
            catch (Exception e) when (e is FileLoadException or BadImageFormatException or FileNotFoundException)
            {
                warnings.Add($"{file}: could not load the assembly: {e.Message}");
                continue;
            }
            Add(MakersIn(assembly, file, warnings), file);
        }
        return new PluginCatalog(byName, warnings);
    }

    /// <summary>The files a plugin path names, full paths, first occurrence only.</summary>
    private static IEnumerable<string> CandidateFiles(string pluginPath)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in pluginPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string full;
            try
            {
                full = Path.GetFullPath(entry);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                continue;
            }
            IEnumerable<string> files;
            if (Directory.Exists(full))
            {
                try
                {
                    files = Directory.GetFiles(full, "*.dll", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToArray();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
            }
            else if (File.Exists(full))
            {
                files = [full];
            }
            else
            {
                continue;
            }
            foreach (var file in files)
            {
                if (seen.Add(file))
                {
                    yield return file;
                }
            }
        }
    }

    /// <summary>Instantiates every plugin type in <paramref name="assembly"/>, adding a warning for each that fails.</summary>
    private static List<IServiceMaker> MakersIn(Assembly assembly, string origin, List<string> warnings)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Some types need a dependency that is missing; the ones that loaded may still be plugins.
            var why = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            warnings.Add($"{origin}: some types could not be loaded: {why}");
            types = e.Types;
        }
        var makers = new List<IServiceMaker>();
        foreach (var type in types)
        {
            if (type is null || !IsPluginType(type, origin, warnings))
            {
                continue;
            }
            IServiceMaker maker;
            string name;
            try
            {
                maker = (IServiceMaker)Activator.CreateInstance(type)!;
                name = maker.Name;
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                warnings.Add($"{origin}: plugin {type.FullName} could not be created: {inner.GetType().Name}: {inner.Message}");
                continue;
            }
            if (string.IsNullOrWhiteSpace(name) || name.StartsWith('-') || name.Any(char.IsWhiteSpace))
            {
                warnings.Add($"{origin}: plugin {type.FullName} ignored: its name '{name}' is not a usable subcommand (one word, not starting with '-').");
                continue;
            }
            makers.Add(maker);
        }
        return makers;
    }

    private static bool IsPluginType(Type type, string origin, List<string> warnings)
    {
        try
        {
            return type is { IsVisible: true, IsClass: true, IsAbstract: false, ContainsGenericParameters: false } &&
                typeof(IServiceMaker).IsAssignableFrom(type) &&
                type.GetConstructor(Type.EmptyTypes) is not null;
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FileLoadException)
        {
            // Asking about a type's interfaces or constructors loads what they mention.
            warnings.Add($"{origin}: type {type.FullName} could not be inspected: {e.Message}");
            return false;
        }
    }
}
