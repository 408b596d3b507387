using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Torsion.Runner.Scripting;

/// <summary>
/// The name a compiled script is cached under: a SHA-256 over everything that decides what the
/// compiler would produce, so any change to it compiles afresh.
/// </summary>
/// <remarks>
/// Covered: the script's bytes and full path (relative <c>#load</c> and <c>#r</c> directives, and the
/// file names in stack traces, depend on where it lives); the module version ids of Torsion.dll and
/// torsiond.dll (a new build of either, which also covers the compile options and default imports
/// chosen here); Roslyn's assemblies; the libraries every script may use (<see cref="ScriptLibraries"/>:
/// Torsion.Enterprise and the database providers); and the runtime, whose implementation assemblies scripts are
/// compiled against. <c>#load</c>ed files and <c>#r</c> assemblies are only known after compiling, so
/// they are checked separately against the hashes stored beside the cached assembly.
/// </remarks>
internal static class ScriptCacheKey
{
    // Bump when the cache layout or the meaning of an entry changes.
    private const string Format = "torsiond-script-cache/1";

    /// <summary>The key, as lowercase hex, for the script at <paramref name="fullPath"/> whose contents are <paramref name="script"/>.</summary>
    public static string Compute(string fullPath, ReadOnlySpan<byte> script)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string part)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData("\n"u8);
        }
        Add(Format);
        Add(fullPath);
        Add(RuntimeInformation.FrameworkDescription);
        foreach (var assembly in (Assembly[])[typeof(object).Assembly, typeof(Torsion.Internet.IReactor).Assembly, typeof(ScriptCacheKey).Assembly])
        {
            Add($"{assembly.GetName().Name} {assembly.ManifestModule.ModuleVersionId}");
        }
        foreach (var name in RoslynAssemblies)
        {
            Add($"{name} {ModuleVersionId(name)}");
        }
        foreach (var name in ScriptLibraries.Names)
        {
            // A build without one of them (trimmed) compiles scripts without it: that is a key of its own.
            Add(ScriptLibraries.PathOf(name) is null ? $"{name} absent" : $"{name} {ModuleVersionId(name)}");
        }
        Add(script.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        hash.AppendData(script);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static readonly string[] RoslynAssemblies =
    [
        "Microsoft.CodeAnalysis",
        "Microsoft.CodeAnalysis.CSharp",
        "Microsoft.CodeAnalysis.Scripting",
        "Microsoft.CodeAnalysis.CSharp.Scripting",
    ];

    /// <summary>
    /// The module version id of one of torsiond's dependencies, read from its file's metadata when it is
    /// not loaded yet: loading Roslyn's assemblies costs tens of milliseconds, a large part of a
    /// cached start, and a cache hit never needs them.
    /// </summary>
    private static Guid ModuleVersionId(string assemblyName)
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == assemblyName && !a.IsDynamic);
        if (loaded is not null)
        {
            return loaded.ManifestModule.ModuleVersionId;
        }
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        var path = tpa.Split(Path.PathSeparator).FirstOrDefault(p => Path.GetFileName(p) == assemblyName + ".dll");
        if (path is null)
        {
            return Assembly.Load(assemblyName).ManifestModule.ModuleVersionId;
        }
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        return metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
    }
}
