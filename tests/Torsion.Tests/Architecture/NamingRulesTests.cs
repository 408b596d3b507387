using System.Reflection;
using System.Text.RegularExpressions;

namespace Torsion.Tests.Architecture;

/// <summary>
/// The naming rules of docs/architecture.md ("Names"), held against the code: a file's namespace is its
/// assembly plus its first-level folder, no namespace is named like a type in it, and an exception's
/// name ends in <c>Exception</c> unless it is one of the Twisted failure reasons listed there.
/// </summary>
public sealed partial class NamingRulesTests
{
    // Twisted's failure reasons that user code traps by name; docs/architecture.md lists the same set.
    private static readonly HashSet<string> TwistedFailureNames =
    [
        "ConnectionDone", "ConnectionLost", "ConnectionAborted",
        "CannotListenError", "ConnectError", "ConnectionRefusedError", "TimeoutError", "DnsLookupError",
        "MessageLengthError", "MulticastJoinError", "UserError", "ConnectingCancelledError", "ProcessDone", "ProcessTerminated",
    ];

    private static readonly Assembly[] Shipped =
    [
        typeof(Failure).Assembly, typeof(Torsion.Testing.Clock).Assembly, typeof(Torsion.Plugins.IServiceMaker).Assembly,
        typeof(Torsion.Web.Http.HttpRequestParser).Assembly, typeof(Torsion.Names.Wire.DnsMessage).Assembly,
        typeof(Torsion.Enterprise.ConnectionPool).Assembly, typeof(Torsion.Hosting.TorsionOptions).Assembly,
    ];

    [Fact]
    public void EveryExceptionEndsInExceptionOrKeepsItsTwistedName()
    {
        var wrong = Shipped
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(Exception).IsAssignableFrom(t) && !t.Name.EndsWith("Exception", StringComparison.Ordinal) && !TwistedFailureNames.Contains(t.Name))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(wrong.Count == 0, "Exception types named against the rule: " + string.Join(", ", wrong));
    }

    [Fact]
    public void EveryTwistedNamedFailureExists()
    {
        var names = Shipped.SelectMany(a => a.GetTypes()).Where(t => typeof(Exception).IsAssignableFrom(t)).Select(t => t.Name).ToHashSet();
        Assert.Empty(TwistedFailureNames.Except(names));
    }

    [Fact]
    public void NoNamespaceIsNamedLikeATypeInIt()
    {
        var clashes = Shipped
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Namespace is { } ns && !t.IsNested && ns.Split('.')[^1] == t.Name)
            .Select(t => t.FullName)
            .ToList();
        Assert.True(clashes.Count == 0, "Types named like their namespace: " + string.Join(", ", clashes));
    }

    [Fact]
    public void EveryFileIsInItsAssemblyPlusFirstFolderNamespace()
    {
        var src = Path.Combine(RepositoryRoot, "src");
        var wrong = new List<string>();
        foreach (var project in Directory.GetDirectories(src))
        {
            var assembly = Path.GetFileName(project);
            var rootNamespace = assembly == "Torsion.Runner" ? "Torsion.Runner" : assembly;
            foreach (var file in Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar);
                if (relative[0] is "obj" or "bin")
                {
                    continue;
                }
                var expected = relative.Length > 1 ? rootNamespace + "." + relative[0] : rootNamespace;
                var match = NamespaceLine().Match(File.ReadAllText(file));
                if (!match.Success || match.Groups[1].Value != expected)
                {
                    wrong.Add($"{Path.GetRelativePath(RepositoryRoot, file)}: {(match.Success ? match.Groups[1].Value : "no namespace")}, expected {expected}");
                }
            }
        }
        Assert.True(wrong.Count == 0, "Files outside their folder's namespace:\n" + string.Join("\n", wrong));
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    internal static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Torsion.slnx")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new InvalidOperationException("Torsion.slnx not found above " + AppContext.BaseDirectory);
        }
    }
}
