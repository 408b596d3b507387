using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Torsion.Runner.Scripting;

namespace Torsion.Runner.Tests.Scripting;

/// <summary>The namespaces every script imports must not make a common name ambiguous.</summary>
public sealed class DefaultImportsTests
{
    private static readonly Lazy<Compilation> Compilation = new(() => CSharpScript.Create("", ScriptOptions.Default
            .WithReferences(FrameworkAssemblies.Paths.Append(typeof(Torsion.Internet.IReactor).Assembly.Location).Select(p => MetadataReference.CreateFromFile(p))))
        .GetCompilation());

    /// <summary>"Name (ns1, ns2)" for each public type name declared in more than one of <paramref name="imports"/>.</summary>
    private static List<string> Clashes(IEnumerable<string> imports)
    {
        var owners = new Dictionary<string, List<string>>();
        foreach (var import in imports)
        {
            var ns = import.Split('.').Aggregate(Compilation.Value.GlobalNamespace, (n, part) => n.GetNamespaceMembers().Single(m => m.Name == part));
            foreach (var type in ns.GetTypeMembers().Where(t => t.DeclaredAccessibility == Accessibility.Public))
            {
                if (!owners.TryGetValue(type.MetadataName, out var list))
                {
                    owners[type.MetadataName] = list = [];
                }
                if (!list.Contains(import))
                {
                    list.Add(import);
                }
            }
        }
        return [.. owners.Where(o => o.Value.Count > 1).Select(o => $"{o.Key} ({string.Join(", ", o.Value)})").Order()];
    }

    [Fact]
    public void NoTwoDefaultImportsDeclareAPublicTypeOfTheSameName()
    {
        var clashes = Clashes(ScriptCompiler.Imports);
        Assert.True(clashes.Count == 0, "Ambiguous in scripts: " + string.Join("; ", clashes));
    }

    [Fact]
    public void TheCheckFindsAKnownClash()
    {
        // Why System.Net.Sockets is not a default import: a script would have two TcpClients.
        Assert.Contains("TcpClient (System.Net.Sockets, Torsion.Services)", Clashes(["System.Net.Sockets", "Torsion.Services"]));
    }
}
