using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>
/// What <c>dotnet pack</c> at the root makes: one package per project under src/ and nothing else, each
/// with its assembly, XML docs, a README nuget.org can render, the MIT expression, the repository and
/// commit, the same version, and a symbols package whose PDB maps sources to the repository (SourceLink).
/// </summary>
[Collection(nameof(PackagingCollection))]
public sealed partial class PackageContentsTests(PackedRepository packed)
{
    // SourceLink's custom debug information in a portable PDB.
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    [Torsion.TestSupport.TimeLimit(600)]
    public void OnePackageAndOneSymbolPackagePerShippedProject()
    {
        var expected = packed.Projects.SelectMany(p => new[] { $"{p.PackageId}.{packed.Version}.nupkg", $"{p.PackageId}.{packed.Version}.snupkg" })
            .Order(StringComparer.Ordinal);
        var actual = Directory.GetFiles(packed.Packages).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        // The issue's list, at least (Torsion.Hosting joins it when its project lands under src/).
        foreach (var id in new[] { "Torsion", "Torsion.Testing", "Torsion.Web", "Torsion.Names", "Torsion.Enterprise", "Torsion.Plugins", "torsiond" })
        {
            Assert.Contains(packed.Projects, p => p.PackageId == id);
        }
    }

    [Fact]
    [Torsion.TestSupport.TimeLimit(600)]
    public void EveryPackageCarriesItsAssemblyDocsReadmeLicenceAndSource()
    {
        foreach (var project in packed.Projects)
        {
            using var package = ZipFile.OpenRead(packed.PackageFile(project.PackageId));
            var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            var nuspec = XDocument.Parse(Read(package, $"{project.PackageId}.nuspec")).Root!;
            XNamespace ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            string Meta(string name) => metadata.Element(ns + name)?.Value ?? "";

            Assert.Equal(project.PackageId, Meta("id"));
            Assert.Equal(packed.Version, Meta("version"));
            Assert.Equal("The Torsion authors", Meta("authors"));
            Assert.True(Meta("description").Length > 40 && !Meta("description").Contains("Package Description"), $"{project}: description '{Meta("description")}'");
            Assert.Contains("torsion", Meta("tags").Split(' '));
            var license = metadata.Element(ns + "license")!;
            Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));

            // SourceLink's half in the nuspec: the repository and the exact commit packed.
            var repository = metadata.Element(ns + "repository")!;
            Assert.Equal("git", (string?)repository.Attribute("type"));
            var url = (string?)repository.Attribute("url") ?? "";
            Assert.StartsWith("https://", url);
            var commit = (string?)repository.Attribute("commit") ?? "";
            Assert.Matches("^[0-9a-f]{40}$", commit);

            // The assembly and its XML docs, where the package's kind puts them.
            Assert.Contains($"{project.AssemblyFolder}/{project.AssemblyName}.dll", entries);
            Assert.Contains($"{project.AssemblyFolder}/{project.AssemblyName}.xml", entries);

            // A README nuget.org renders: named by the nuspec, present, and with no image it cannot fetch.
            var readme = Meta("readme");
            Assert.Contains(readme, entries);
            var text = Read(package, readme);
            Assert.True(text.Length > 100, $"{project}: README too short");
            Assert.DoesNotMatch(RelativeImage(), text);

            // Every Torsion package another one depends on is this very version (one version for all).
            var dependencies = metadata.Descendants(ns + "dependency").Where(d => ((string?)d.Attribute("id"))?.StartsWith("Torsion", StringComparison.Ordinal) == true);
            foreach (var dependency in dependencies)
            {
                Assert.Equal(packed.Version, (string?)dependency.Attribute("version"));
            }

            if (project.IsTool)
            {
                Assert.Equal("DotnetTool", (string?)metadata.Descendants(ns + "packageType").Single().Attribute("name"));
                Assert.Contains($"{project.AssemblyFolder}/DotnetToolSettings.xml", entries);
                // Scripts use Microsoft.Data.Sqlite with no #r: its native library travels in the tool.
                Assert.Contains($"{project.AssemblyFolder}/runtimes/linux-x64/native/libe_sqlite3.so", entries);
            }

            SymbolsMapToTheRepository(project, url, commit);
        }
    }

    private void SymbolsMapToTheRepository(ShippedProject project, string repositoryUrl, string commit)
    {
        using var symbols = ZipFile.OpenRead(packed.PackageFile(project.PackageId, "snupkg"));
        var pdbEntry = symbols.GetEntry($"{project.AssemblyFolder}/{project.AssemblyName}.pdb");
        Assert.True(pdbEntry is not null, $"{project}: no PDB in the symbols package");
        using var pdb = new MemoryStream();
        using (var stream = pdbEntry.Open())
        {
            stream.CopyTo(pdb);
        }
        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == s_sourceLinkKind)
            .Select(info => Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value)))
            .SingleOrDefault();
        Assert.True(sourceLink is not null, $"{project}: the PDB has no SourceLink map");
        // github.com/OWNER/REPO -> raw.githubusercontent.com/OWNER/REPO/COMMIT/*
        var path = new Uri(repositoryUrl).AbsolutePath.TrimEnd('/');
        Assert.Contains($"https://raw.githubusercontent.com{path}/{commit}/*", sourceLink);
        Assert.True(reader.Documents.Count > 0, $"{project}: the PDB names no source file");
    }

    private static string Read(ZipArchive package, string name)
    {
        var entry = package.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    // ![alt](path) whose target is not an absolute http(s) URL.
    [GeneratedRegex(@"!\[[^\]]*\]\((?!https?://)")]
    private static partial Regex RelativeImage();
}
