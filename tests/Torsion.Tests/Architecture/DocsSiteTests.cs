using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Torsion.Tests.Architecture;

/// <summary>
/// The docs site (docs/docfx.json, built by the docfx dotnet tool of .config/dotnet-tools.json): every guide
/// page is in the navigation and names its Twisted equivalent, relative links reach files the site
/// carries, and the real build succeeds with warnings as errors (so a broken link or cross-reference
/// fails it) and holds the index, every guide page and the API pages of every shipped assembly.
/// </summary>
public sealed partial class DocsSiteTests
{
    /// <summary>The line every guide page carries near its top; pages added later follow the same form.</summary>
    internal const string TwistedMarker = "**Twisted equivalent:**";

    // Main types whose API page must exist: a few per assembly, so an empty or partial reference fails.
    private static readonly string[] MainTypes =
    [
        "Torsion.Defer.Deferred`1", "Torsion.Defer.Deferred", "Torsion.Failure", "Torsion.Internet.Protocol",
        "Torsion.Internet.Factory", "Torsion.Internet.IReactorCore", "Torsion.Internet.IReactorTcp",
        "Torsion.Internet.ReactorGroup", "Torsion.Services.Application", "Torsion.Logging.Logger",
        "Torsion.Protocols.LineReceiver", "Torsion.Testing.StringTransport", "Torsion.Testing.MemoryReactor",
        "Torsion.Testing.Clock", "Torsion.Web.Server.Site", "Torsion.Web.Server.Resource", "Torsion.Web.Client.Agent",
        "Torsion.Names.Client.Resolver", "Torsion.Names.Wire.DnsMessage", "Torsion.Enterprise.ConnectionPool",
        "Torsion.Plugins.IServiceMaker",
    ];

    private static string Docs => Path.Combine(NamingRulesTests.RepositoryRoot, "docs");

    /// <summary>The guide: every docs/*.md but the site's index page.</summary>
    private static List<string> GuidePages() =>
        Directory.GetFiles(Docs, "*.md").Select(p => Path.GetFileName(p))
            .Where(n => n != "index.md").Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void TheNavigationListsEveryGuidePage()
    {
        var toc = File.ReadAllText(Path.Combine(Docs, "toc.yml"));
        var listed = TocHref().Matches(toc).Select(m => m.Groups[1].Value.Trim().Trim('"', '\'')).ToHashSet();
        var missing = GuidePages().Append("index.md").Where(p => !listed.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "docs/toc.yml does not list: " + string.Join(", ", missing) + " (add an entry `- name: TITLE` / `href: PAGE.md`)");
    }

    [Fact]
    public void EveryGuidePageStatesItsTwistedEquivalent()
    {
        var pages = GuidePages();
        Assert.NotEmpty(pages);
        var missing = new List<string>();
        foreach (var page in pages)
        {
            // Near the top: in the page's introduction, before its first section heading.
            var top = File.ReadLines(Path.Combine(Docs, page)).Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
            if (!top.Any(l => l.StartsWith(TwistedMarker, StringComparison.Ordinal) && l.Length > TwistedMarker.Length + 2))
            {
                missing.Add(page);
            }
        }
        Assert.True(missing.Count == 0,
            $"Guide pages without a line starting with \"{TwistedMarker} ...\" in their introduction (before the first \"## \" heading): " + string.Join(", ", missing) +
            " (name the Twisted module or program the page stands for, or say there is none and what comes nearest)");
    }

    [Fact]
    public void RelativeLinksReachFilesTheSiteCarries()
    {
        var root = NamingRulesTests.RepositoryRoot;
        var outside = OutsideFiles();
        var wrong = new List<string>();
        foreach (var page in Directory.GetFiles(Docs, "*.md", SearchOption.AllDirectories))
        {
            var text = InlineCode().Replace(FencedCode().Replace(File.ReadAllText(page), ""), "");
            foreach (Match link in MarkdownLink().Matches(text))
            {
                var target = link.Groups["target"].Value;
                if (target.Length == 0 || target.StartsWith('#') || UrlScheme().IsMatch(target))
                {
                    continue;
                }
                var path = Uri.UnescapeDataString(target.Split('#')[0]);
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
                var relative = Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/');
                var where = $"{Path.GetRelativePath(root, page)}: ({target})";
                if (Directory.Exists(full))
                {
                    wrong.Add(where + " is a folder: link to a file in it (the site has no folder pages)");
                }
                else if (!File.Exists(full))
                {
                    wrong.Add(where + " does not exist");
                }
                else if (!relative.StartsWith("docs/", StringComparison.Ordinal) && !outside.Any(p => Covers(p, relative)))
                {
                    wrong.Add(where + " is outside docs/ and not among the files docs/docfx.json takes from the repository (" + string.Join(", ", outside) + ")");
                }
            }
        }
        Assert.True(wrong.Count == 0, "Broken links in the docs:\n" + string.Join("\n", wrong));
    }

    /// <summary>
    /// Runs what a user runs: <c>dotnet tool restore</c>, then <c>dotnet docfx docs/docfx.json --warningsAsErrors</c>
    /// (API metadata from the projects, then the site) into a temporary folder.
    /// </summary>
    [Fact]
    [Torsion.TestSupport.TimeLimit(1500)] // docfx loads and compiles every shipped project: minutes on a loaded 2-core machine
    public void TheSiteBuildsWithoutBrokenLinksAndHasTheGuideAndTheApiReference()
    {
        var root = NamingRulesTests.RepositoryRoot;
        var output = Directory.CreateTempSubdirectory("torsion-docs-");
        try
        {
            var (restore, restoreLog) = Dotnet(root, TimeSpan.FromMinutes(5), "tool", "restore");
            Assert.True(restore == 0, "dotnet tool restore failed:\n" + restoreLog);

            // docfx metadata adds to its output folder and never removes a page: start clean, so a type
            // that no longer exists cannot pass for one that does.
            var metadata = Path.Combine(root, "artifacts", "docs-api");
            if (Directory.Exists(metadata))
            {
                Directory.Delete(metadata, recursive: true);
            }
            var site = Path.Combine(output.FullName, "site");
            var (build, buildLog) = Dotnet(root, TimeSpan.FromMinutes(20), "docfx", "docs/docfx.json", "--warningsAsErrors", "--output", site);
            var problems = string.Join("\n", buildLog.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)));
            Assert.True(build == 0, $"docfx failed (exit {build}); warnings and errors:\n{problems}\n\nfull log:\n{buildLog}");

            var index = Path.Combine(site, "index.html");
            Assert.True(File.Exists(index), "no index.html in " + site);
            foreach (var page in GuidePages())
            {
                var html = Path.Combine(site, Path.ChangeExtension(page, ".html"));
                Assert.True(File.Exists(html), $"{page} was not rendered ({html})");
                Assert.Contains("Twisted equivalent:", File.ReadAllText(html));
            }
            Assert.True(File.Exists(Path.Combine(site, "bench", "RESULTS.html")), "bench/RESULTS.md was not rendered");

            var api = Path.Combine(site, "api");
            foreach (var type in MainTypes)
            {
                var page = Path.Combine(api, type.Replace('`', '-') + ".html");
                Assert.True(File.Exists(page), $"no API page for {type} ({page})");
            }
            // The summaries come from the XML docs, not just the signatures.
            Assert.Contains("A result that will arrive later", File.ReadAllText(Path.Combine(api, "Torsion.Defer.Deferred-1.html")));

            // Every shipped assembly (src/ but executables) has pages, so a project added to src/ is covered.
            var pages = Directory.GetFiles(api, "*.html").Select(File.ReadAllText).ToList();
            foreach (var assembly in ShippedAssemblies())
            {
                var marker = $"<dt>Assembly</dt><dd>{assembly}.dll</dd>";
                var count = pages.Count(p => p.Contains(marker, StringComparison.Ordinal));
                Assert.True(count > 0, $"the API reference has no page from {assembly}.dll");
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>The library projects under src/ (torsiond, an executable, is documented in the guide instead).</summary>
    private static IEnumerable<string> ShippedAssemblies() =>
        Directory.GetFiles(Path.Combine(NamingRulesTests.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !File.ReadAllText(p).Contains("<OutputType>Exe</OutputType>", StringComparison.OrdinalIgnoreCase))
            .Select(p => Path.GetFileNameWithoutExtension(p)!);

    /// <summary>The repository files (globs relative to the root) that docs/docfx.json puts in the site besides docs/.</summary>
    private static List<string> OutsideFiles()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Docs, "docfx.json")));
        var build = config.RootElement.GetProperty("build");
        var files = new List<string>();
        foreach (var part in new[] { "content", "resource" })
        {
            if (!build.TryGetProperty(part, out var entries))
            {
                continue;
            }
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.TryGetProperty("src", out var src) && src.GetString() == "..")
                {
                    files.AddRange(entry.GetProperty("files").EnumerateArray().Select(f => f.GetString()!));
                }
            }
        }
        return files;
    }

    // Enough glob for the patterns docfx.json uses: an exact path, or a folder with "/**" under it.
    private static bool Covers(string glob, string path) =>
        glob.EndsWith("/**", StringComparison.Ordinal) ? path.StartsWith(glob[..^2], StringComparison.Ordinal) : glob == path;

    private static (int Exit, string Log) Dotnet(string directory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        // The test host's MSBuild and VSTest settings would steer docfx's own project loading.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var log = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) { lock (log) { log.AppendLine(l); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) { lock (log) { log.AppendLine("stderr: " + l); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (log)
            {
                throw new TimeoutException($"dotnet {string.Join(' ', args)} ran past {timeout.TotalSeconds:0} s:\n{log}");
            }
        }
        process.WaitForExit(); // flush the asynchronous readers
        lock (log)
        {
            return (process.ExitCode, log.ToString());
        }
    }

    [GeneratedRegex(@"^\s*-?\s*href:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TocHref();

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]*)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^\s*```.*?^\s*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UrlScheme();
}
