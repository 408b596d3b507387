using System.Diagnostics;
using System.Xml.Linq;
using Torsion.Runner.Tests.EndToEnd;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>
/// One <c>dotnet pack</c> of the whole repository (Torsion.slnx, Release) into a temporary folder,
/// shared by the packaging tests. The version gets a suffix unique to this run, so neither the global
/// packages folder nor a tool cache can hand a test a copy packed by an earlier run. The build goes to
/// an artifacts folder of its own, so it never races the test run's build or ./torsiond's.
/// </summary>
public sealed class PackedRepository : IDisposable
{
    /// <summary>Creates the packages (the slow part: a Release build of every shipped project).</summary>
    public PackedRepository()
    {
        Root = Torsiond.RepositoryRoot;
        Work = Directory.CreateTempSubdirectory("torsion-pack").FullName;
        Packages = Path.Combine(Work, "packages");
        var suffix = "test.r" + Guid.NewGuid().ToString("N")[..12];
        Version = VersionPrefix(Root) + "-" + suffix;
        Projects = ShippedProjects(Root);
        var clock = Stopwatch.StartNew();
        var (status, output) = DotnetCli.Run(Work, 1500, "pack", Path.Combine(Root, "Torsion.slnx"), "-c", "Release", "-nologo",
            $"-p:VersionSuffix={suffix}", $"-p:PackageOutputPath={Packages}/", $"-p:ArtifactsPath={Path.Combine(Work, "artifacts")}");
        PackSeconds = clock.Elapsed.TotalSeconds;
        PackOutput = output;
        if (status != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed ({status}):\n{output}");
        }
    }

    /// <summary>The repository root.</summary>
    public string Root { get; }

    /// <summary>A scratch folder for this run (packages, tools, a user's project), deleted at the end.</summary>
    public string Work { get; }

    /// <summary>The folder that holds the .nupkg and .snupkg files: a local feed.</summary>
    public string Packages { get; }

    /// <summary>The version every package of this run has (the repository's VersionPrefix and a unique suffix).</summary>
    public string Version { get; }

    /// <summary>The shipped projects: every src/*/*.csproj.</summary>
    public IReadOnlyList<ShippedProject> Projects { get; }

    /// <summary>How long the pack took.</summary>
    public double PackSeconds { get; }

    /// <summary>What dotnet pack printed.</summary>
    public string PackOutput { get; }

    /// <summary>The path of package <paramref name="id"/>'s file with <paramref name="extension"/> (nupkg, snupkg).</summary>
    public string PackageFile(string id, string extension = "nupkg") => Path.Combine(Packages, $"{id}.{Version}.{extension}");

    /// <summary>Removes the scratch folder and this run's packages from the global packages folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }
        // Restores and tool installs put this run's unique version into the global packages folder;
        // nothing will ask for it again.
        var global = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } g
            ? g
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var project in Projects)
        {
            var folder = Path.Combine(global, project.PackageId.ToLowerInvariant(), Version.ToLowerInvariant());
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
                // The id's folder too, when this run's version was all it held.
                var id = Path.GetDirectoryName(folder)!;
                if (Directory.Exists(id) && !Directory.EnumerateFileSystemEntries(id).Any())
                {
                    Directory.Delete(id);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    private static string VersionPrefix(string root)
    {
        var props = XDocument.Load(Path.Combine(root, "Directory.Build.props"));
        return props.Descendants("VersionPrefix").Single().Value.Trim();
    }

    private static List<ShippedProject> ShippedProjects(string root) =>
        [.. Directory.GetDirectories(Path.Combine(root, "src"))
            .SelectMany(d => Directory.GetFiles(d, "*.csproj"))
            .Order(StringComparer.Ordinal)
            .Select(ShippedProject.Read)];
}
