using Torsion.Runner.Tests.EndToEnd;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>
/// Package validation against the last release (eng/api-baseline): in a copy of the repository, a public
/// constructor is removed from Torsion.Plugins and from its PublicAPI file too, so the analyzers are
/// content; <c>dotnet pack</c> must still fail and name the member (CP0002). Declared in a suppression
/// file, as docs/packaging.md says, the same change packs.
/// </summary>
[Collection(nameof(PackagingCollection))]
public sealed class ApiCompatibilityTests
{
    private const string Member = "Torsion.Plugins.PluginOptionsException.PluginOptionsException(string, System.Exception)";

    [Fact]
    [Torsion.TestSupport.TimeLimit(900)] // three packs of a copy: the break, its declaration, the pack after
    public void RemovingAPublicMemberFailsPackUntilDeclared()
    {
        var root = Torsiond.RepositoryRoot;
        var copy = Directory.CreateTempSubdirectory("torsion-apicompat").FullName;
        try
        {
            foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "README.md", "LICENSE", "src/Directory.Build.props" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
                File.Copy(Path.Combine(root, file), Path.Combine(copy, file));
            }
            foreach (var folder in new[] { "src/Torsion", "src/Torsion.Plugins", "eng/api-baseline" })
            {
                CopyFolder(Path.Combine(root, folder), Path.Combine(copy, folder));
            }
            var project = Path.Combine(copy, "src", "Torsion.Plugins");
            Assert.True(Directory.GetFiles(Path.Combine(copy, "eng", "api-baseline"), "Torsion.Plugins.*.nupkg").Length == 1,
                "no Torsion.Plugins baseline in eng/api-baseline");

            // The break: the (message, innerException) constructor goes, from the code and from PublicAPI.Shipped.txt.
            var source = Path.Combine(project, "PluginOptionsException.cs");
            var code = File.ReadAllText(source);
            var start = code.IndexOf("    /// <summary>Creates the exception with the message the user will see and the error", StringComparison.Ordinal);
            Assert.True(start > 0, "the constructor this test removes is not where it was");
            var end = code.IndexOf("    }\n", start, StringComparison.Ordinal) + "    }\n".Length;
            File.WriteAllText(source, code[..start] + code[end..]);
            var shipped = Path.Combine(project, "PublicAPI.Shipped.txt");
            File.WriteAllLines(shipped, File.ReadAllLines(shipped).Where(l => !l.Contains("innerException", StringComparison.Ordinal)));

            string[] pack = ["pack", Path.Combine(project, "Torsion.Plugins.csproj"), "-c", "Release", "-nologo"];
            var (status, output) = DotnetCli.Run(copy, 600, pack);
            Assert.True(status != 0, "pack passed with a public member removed:\n" + output);
            Assert.Contains("CP0002", output);
            Assert.Contains(Member, output);

            // Declared: the suppression file package validation writes on request, then a plain pack passes.
            (status, output) = DotnetCli.Run(copy, 600, [.. pack, "-p:ApiCompatGenerateSuppressionFile=true"]);
            Assert.True(status == 0, output);
            var suppressions = File.ReadAllText(Path.Combine(project, "CompatibilitySuppressions.xml"));
            Assert.Contains("CP0002", suppressions);
            Assert.Contains("PluginOptionsException.#ctor(System.String,System.Exception)", suppressions);
            (status, output) = DotnetCli.Run(copy, 600, pack);
            Assert.True(status == 0, output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
