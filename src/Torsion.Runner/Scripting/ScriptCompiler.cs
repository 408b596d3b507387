using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;

namespace Torsion.Runner.Scripting;

/// <summary>Compiles an application script with Roslyn's scripting semantics into an assembly image.</summary>
/// <remarks>
/// Kept apart from the loader so that a cache hit never JIT-compiles a method that touches the
/// compiler: only this class makes Roslyn do work.
/// </remarks>
internal static class ScriptCompiler
{
    /// <summary>The namespaces every script imports.</summary>
    public static readonly ImmutableArray<string> Imports =
    [
        "System",
        "System.Collections.Generic",
        "System.IO",
        "System.Linq",
        "System.Net",
        "System.Text",
        "System.Threading",
        "System.Threading.Tasks",
        "Torsion.Services",
        "Torsion.Defer",
        "Torsion.Internet",
        "Torsion",
        "Torsion.Logging",
        "Torsion.Protocols",
    ];

    // Listing more compile errors than this buries the first one, which is usually the cause.
    private const int MaxErrorsShown = 20;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(CreateReferences);

    /// <summary>Compiles <paramref name="text"/>, the script at <paramref name="fullPath"/>.</summary>
    /// <param name="fullPath">The script's full path: the base for <c>#load</c> and <c>#r</c>, and the file name in stack traces.</param>
    /// <param name="displayPath">The path as the user gave it, used in error messages.</param>
    /// <param name="text">The script's text.</param>
    /// <exception cref="ApplicationLoadException">The script has compile errors; the message lists them one per line.</exception>
    public static CompiledScript Compile(string fullPath, string displayPath, string text)
    {
        var options = ScriptOptions.Default
            .WithFilePath(fullPath)
            .WithFileEncoding(Encoding.UTF8)
            .WithReferences(References.Value)
            .WithImports(Imports)
            // Application code is server code: optimized, with line numbers still available from the embedded PDB.
            .WithOptimizationLevel(OptimizationLevel.Release);
        var compilation = CSharpScript.Create(text, options, typeof(ScriptGlobals)).GetCompilation();

        using var image = new MemoryStream();
        var result = compilation.Emit(image, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        if (!result.Success)
        {
            throw new ApplicationLoadException(FormatErrors(result.Diagnostics, fullPath, displayPath));
        }
        return new CompiledScript(image.ToArray(), Dependencies(compilation, fullPath));
    }

    private static List<ScriptDependency> Dependencies(Compilation compilation, string fullPath)
    {
        var dependencies = new List<ScriptDependency>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath != fullPath && File.Exists(tree.FilePath))
            {
                dependencies.Add(ScriptDependency.Of(isReference: false, tree.FilePath));
            }
        }
        foreach (var reference in compilation.DirectiveReferences.OfType<PortableExecutableReference>())
        {
            if (reference.FilePath is { } path && File.Exists(path))
            {
                dependencies.Add(ScriptDependency.Of(isReference: true, path));
            }
        }
        return dependencies;
    }

    private static string FormatErrors(ImmutableArray<Diagnostic> diagnostics, string fullPath, string displayPath)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var lines = errors.Take(MaxErrorsShown).Select(d => FormatError(d, fullPath, displayPath)).ToList();
        if (errors.Count > MaxErrorsShown)
        {
            lines.Add($"... and {errors.Count - MaxErrorsShown} more errors");
        }
        return string.Join('\n', lines);
    }

    /// <summary>One error as compilers print it, <c>path(line,col): error CSxxxx: message</c>, with the path as the user typed it.</summary>
    private static string FormatError(Diagnostic diagnostic, string fullPath, string displayPath)
    {
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.CurrentUICulture);
        if (!diagnostic.Location.IsInSource && diagnostic.Location.Kind != LocationKind.ExternalFile)
        {
            return $"{displayPath}: error {diagnostic.Id}: {message}";
        }
        var span = diagnostic.Location.GetMappedLineSpan();
        var path = string.IsNullOrEmpty(span.Path) || span.Path == fullPath ? displayPath : span.Path;
        var start = span.StartLinePosition;
        return $"{path}({start.Line + 1},{start.Character + 1}): error {diagnostic.Id}: {message}";
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        var paths = FrameworkAssemblies.Paths
            .Append(typeof(Torsion.Internet.IReactor).Assembly.Location)
            .Append(typeof(ScriptGlobals).Assembly.Location)
            .Concat(ScriptLibraries.Paths);
        return [.. paths.Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
