using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>Builds small assemblies from C# source with Roslyn, the way a user's prebuilt application .dll would be built.</summary>
public static class TestAssemblies
{
    private static readonly Lazy<MetadataReference[]> FrameworkAndTorsion = new(() =>
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDirectory)
            .Append(typeof(Torsion.Internet.IReactor).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    /// <summary>Compiles <paramref name="source"/> into <paramref name="directory"/>/<paramref name="name"/>.dll and returns its path.</summary>
    public static string Build(string directory, string name, string source, params string[] references)
    {
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            FrameworkAndTorsion.Value.Concat(references.Select(r => MetadataReference.CreateFromFile(r))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(directory, name + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }
}
