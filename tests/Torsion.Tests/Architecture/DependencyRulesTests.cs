namespace Torsion.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/architecture.md ("Dependencies"), held against the source:
/// <list type="number">
/// <item>A backend is one folder: no file under src/ outside <c>src/Torsion/Internet/Backends/X/</c> names a type
/// declared there, except the registry (<c>Internet/Reactors.cs</c>), which names each backend's registry
/// entry class (a static class offering <c>ReactorInfo</c>s, such as <c>ReadinessBackends</c>) and nothing else.</item>
/// <item>Folder dependencies inside src/Torsion point one way: which folder's files name types declared in
/// which other folder forms a graph without a cycle. Where a cycle is the design, the folders involved
/// count as one layer (<see cref="Layers"/>, with the reason).</item>
/// </list>
/// A source scan (<see cref="CSharpSource"/>): comments, XML docs and string text do not count.
/// </summary>
public sealed class DependencyRulesTests
{
    private const string Registry = "Internet/Reactors.cs";

    /// <summary>
    /// Paths under src/Torsion (a folder, or one file) that count as part of another folder's layer. Keep
    /// this list short, and the reason true: docs/architecture.md repeats it.
    /// </summary>
    private static readonly (string Path, string Layer, string Why)[] Layers =
    [
        ("Internet/Tls", "Internet",
            "every reactor offers ListenSsl/ConnectSsl (IReactorSsl, part of IReactor, takes the TLS options; ReactorBase implements it with TlsReactor), and TLS is a protocol wrapper over the transport contracts"),
        ("Internet/Process", "Internet",
            "every reactor offers SpawnProcess (IReactorProcess, part of IReactor), and the folder holds only contracts (ProcessProtocol, IProcessTransport, ChildFd) over ITransport and IConsumer; the implementation is in Internet/Spawn and Internet/Pipes, above Transport"),
        (Registry, "Internet/Group",
            "the registry makes groups (Reactors.CreateGroup) and a group makes its loops by backend name through the registry"),
    ];

    private static string TorsionSource => Path.Combine(NamingRulesTests.RepositoryRoot, "src", "Torsion");

    [Fact]
    public void OnlyItsOwnFolderAndTheRegistryNameABackendsTypes()
    {
        var files = SourceFiles(Path.Combine(NamingRulesTests.RepositoryRoot, "src"));
        var namespaces = files.Select(f => f.Namespace).OfType<string>().Distinct().ToList();
        var backendsRoot = Path.Combine(TorsionSource, "Internet", "Backends");
        var backends = Directory.GetDirectories(backendsRoot).Select(d => Path.GetFileName(d)!).ToList();
        Assert.NotEmpty(backends);

        var violations = new List<string>();
        foreach (var backend in backends)
        {
            var folder = Path.Combine(backendsRoot, backend) + Path.DirectorySeparatorChar;
            var own = files.Where(f => f.FullPath.StartsWith(folder, StringComparison.Ordinal)).ToList();
            var types = own.SelectMany(f => CSharpSource.DeclaredTypes(f.Code).Select(t => (Type: t, File: f))).ToList();
            // The registry entry: a static class offering ReactorInfo entries.
            var entries = types.Where(t => CSharpSource.IsStaticClass(t.File.Code, t.Type) && t.File.Code.Contains("ReactorInfo", StringComparison.Ordinal))
                .Select(t => t.Type).ToHashSet();
            Assert.True(entries.Count > 0, $"Backends/{backend} has no registry entry class (a static class offering ReactorInfo entries).");
            var declared = types.Select(t => t.Type).ToHashSet();
            foreach (var file in files.Except(own))
            {
                var allowed = file.Relative == "src/Torsion/" + Registry ? entries : [];
                foreach (var name in CSharpSource.UsedNames(file.Code, namespaces).Where(n => declared.Contains(n) && !allowed.Contains(n)).Order())
                {
                    violations.Add($"{file.Relative} names {name} (Backends/{backend})");
                }
            }
        }
        Assert.True(violations.Count == 0,
            "Only a backend's own folder names its types (the registry names only its entry class):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void FolderDependenciesHaveNoCycle()
    {
        var graph = FolderGraph();
        var cycle = FindCycle(graph.Keys, n => graph[n].Keys);
        if (cycle is not null)
        {
            var lines = cycle.Zip(cycle.Skip(1)).Select(e => $"  {e.First} -> {e.Second}: {string.Join(", ", graph[e.First][e.Second].Take(4))}");
            Assert.Fail("Folder dependencies in src/Torsion form a cycle:\n" + string.Join("\n", lines));
        }
        TestContext.Current.TestOutputHelper?.WriteLine("Layers, lowest first:\n" + string.Join("\n", Layering(graph)));
    }

    [Fact]
    public void EveryMergedLayerIsThere()
    {
        foreach (var (path, layer, _) in Layers)
        {
            var full = Path.Combine(TorsionSource, path);
            Assert.True(Directory.Exists(full) || File.Exists(full), $"{path} (merged into {layer}) no longer exists: drop it from Layers.");
        }
    }

    /// <summary>Layer → layer it names → evidence ("File.cs: Type").</summary>
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> FolderGraph()
    {
        var files = SourceFiles(TorsionSource);
        var namespaces = files.Select(f => f.Namespace).OfType<string>().Distinct().ToList();
        var layerOf = files.ToDictionary(f => f, f => LayerOf(Path.GetRelativePath(TorsionSource, f.FullPath).Replace(Path.DirectorySeparatorChar, '/')));
        var owner = new Dictionary<string, string>();
        foreach (var file in files)
        {
            foreach (var type in CSharpSource.DeclaredTypes(file.Code))
            {
                Assert.True(owner.TryAdd(type, layerOf[file]) || owner[type] == layerOf[file], $"{type} is declared in two layers.");
            }
        }
        var graph = layerOf.Values.Distinct().ToDictionary(l => l, _ => new Dictionary<string, SortedSet<string>>());
        foreach (var file in files)
        {
            var from = layerOf[file];
            foreach (var name in CSharpSource.UsedNames(file.Code, namespaces))
            {
                if (owner.TryGetValue(name, out var to) && to != from)
                {
                    if (!graph[from].TryGetValue(to, out var why))
                    {
                        graph[from][to] = why = [];
                    }
                    why.Add($"{Path.GetFileName(file.FullPath)}: {name}");
                }
            }
        }
        return graph;
    }

    private static string LayerOf(string relativeFile)
    {
        foreach (var (path, layer, _) in Layers)
        {
            if (relativeFile == path || relativeFile.StartsWith(path + "/", StringComparison.Ordinal))
            {
                return layer;
            }
        }
        var folder = Path.GetDirectoryName(relativeFile)!.Replace(Path.DirectorySeparatorChar, '/');
        return folder.Length == 0 ? "Torsion" : folder;
    }

    /// <summary>A cycle as a path whose last node is its first, or null.</summary>
    internal static List<string>? FindCycle(IEnumerable<string> nodes, Func<string, IEnumerable<string>> next)
    {
        var state = new Dictionary<string, int>(); // 1 = on the path, 2 = done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var n in next(node).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(n) == 1)
                {
                    return [.. path.Skip(path.IndexOf(n)), n];
                }
                if (state.GetValueOrDefault(n) == 0 && Visit(n) is { } found)
                {
                    return found;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in nodes.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }

    // Lowest first: each layer after everything it names.
    private static IEnumerable<string> Layering(Dictionary<string, Dictionary<string, SortedSet<string>>> graph)
    {
        var placed = new List<string>();
        var left = graph.Keys.Order(StringComparer.Ordinal).ToList();
        while (left.Count > 0)
        {
            var ready = left.Where(n => graph[n].Keys.All(placed.Contains)).ToList();
            placed.AddRange(ready);
            left.RemoveAll(ready.Contains);
            yield return string.Join(", ", ready) + (ready.Count == 0 ? "(cycle)" : "");
            if (ready.Count == 0)
            {
                yield break;
            }
        }
    }

    private static List<SourceFile> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(p => p is "obj" or "bin"))
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                var text = File.ReadAllText(f);
                return new SourceFile(f, Path.GetRelativePath(NamingRulesTests.RepositoryRoot, f).Replace(Path.DirectorySeparatorChar, '/'), CSharpSource.Code(text), CSharpSource.Namespace(text));
            })
            .ToList();

    private sealed record SourceFile(string FullPath, string Relative, string Code, string? Namespace);
}
