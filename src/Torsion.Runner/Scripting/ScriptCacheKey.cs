using System.Reflection;
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
/// chosen here); Roslyn's assemblies; and the runtime, whose implementation assemblies scripts are
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
        foreach (var assembly in CompilerInputs())
        {
            Add($"{assembly.GetName().Name} {assembly.ManifestModule.ModuleVersionId}");
        }
        Add(script.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        hash.AppendData(script);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IEnumerable<Assembly> CompilerInputs() =>
    [
        typeof(object).Assembly,
        typeof(Torsion.Internet.IReactor).Assembly,
        typeof(ScriptCacheKey).Assembly,
        // Touching these loads Roslyn's assemblies but runs none of the compiler.
        typeof(Microsoft.CodeAnalysis.Compilation).Assembly,
        typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly,
        typeof(Microsoft.CodeAnalysis.Scripting.ScriptOptions).Assembly,
        typeof(Microsoft.CodeAnalysis.CSharp.Scripting.CSharpScript).Assembly,
    ];
}
