using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Torsion.Plugins;

namespace Torsion.Runner.Plugins;

/// <summary>
/// What a candidate .dll is, read from its metadata without loading it: whether it is a .NET
/// assembly at all, its name, and whether it references the plugin contract (Torsion.Plugins). Only
/// an assembly that references it can implement <see cref="IServiceMaker"/>, so the libraries a
/// plugin carries beside it (and copies of Torsion.dll) are passed over without being loaded into a
/// context of their own.
/// </summary>
internal sealed class PluginAssemblyFile
{
    private PluginAssemblyFile(string path, string name, bool referencesContract) =>
        (Path, Name, ReferencesContract) = (path, name, referencesContract);

    /// <summary>The full path of the file.</summary>
    internal string Path { get; }

    /// <summary>The assembly's simple name.</summary>
    internal string Name { get; }

    /// <summary>Whether the assembly references the plugin contract, so may define plugins.</summary>
    internal bool ReferencesContract { get; }

    /// <summary>Reads <paramref name="path"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    internal static PluginAssemblyFile? Inspect(string path, string contractName, out string? error)
    {
        error = null;
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                error = "not a .NET assembly (no metadata)";
                return null;
            }
            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                error = "a module, not an assembly";
                return null;
            }
            var name = reader.GetString(reader.GetAssemblyDefinition().Name);
            var referencesContract = false;
            foreach (var handle in reader.AssemblyReferences)
            {
                if (string.Equals(reader.GetString(reader.GetAssemblyReference(handle).Name), contractName, StringComparison.OrdinalIgnoreCase))
                {
                    referencesContract = true;
                    break;
                }
            }
            return new PluginAssemblyFile(path, name, referencesContract);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error = $"not a .NET assembly ({e.Message})";
            return null;
        }
    }
}
