using System.Diagnostics;

namespace Torsion.TestSupport;

/// <summary>
/// The real peers interop tests run against (Debian packages that .ci/run installs). A missing peer skips
/// the test and names the package to install; under CI .ci/run has already failed the run if an install
/// failed, so a skip there is caught by tests/expected-skips.txt.
/// </summary>
public static class Peers
{
    /// <summary>Debian's Python, which has the python3-* packages (a pyenv python on PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly string[] Directories = ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin"];

    /// <summary>The full path of <paramref name="program"/>, or a skip naming <paramref name="package"/>.</summary>
    public static string RequireProgram(string program, string package)
    {
        foreach (var dir in Directories)
        {
            var path = Path.Combine(dir, program);
            if (File.Exists(path))
            {
                return path;
            }
        }
        Assert.Skip($"{program} is not installed: apt-get install {package}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Skips unless Debian's Python can import <paramref name="module"/> (from <paramref name="package"/>); returns the Python path.</summary>
    public static string RequirePythonModule(string module, string package)
    {
        if (!File.Exists(Python))
        {
            Assert.Skip($"{Python} is not installed: apt-get install {package}");
        }
        if (!PythonImports(module))
        {
            Assert.Skip($"Python module {module} is missing: apt-get install {package}");
        }
        return Python;
    }

    /// <summary>Skips unless Node.js can load <paramref name="module"/> (Debian installs node-* modules under /usr/share/nodejs); returns the node path.</summary>
    public static string RequireNodeModule(string module, string package)
    {
        var node = RequireProgram("node", "nodejs");
        if (!Directory.Exists(Path.Combine("/usr/share/nodejs", module)) && !Directory.Exists(Path.Combine("/usr/lib/nodejs", module)))
        {
            Assert.Skip($"Node module {module} is missing: apt-get install {package}");
        }
        return node;
    }

    private static readonly Dictionary<string, bool> Imports = [];

    private static bool PythonImports(string module)
    {
        lock (Imports)
        {
            if (Imports.TryGetValue(module, out var known))
            {
                return known;
            }
            var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("import " + module);
            using var probe = Process.Start(info)!;
            probe.StandardOutput.ReadToEnd();
            probe.StandardError.ReadToEnd();
            var ok = probe.WaitForExit(TimeSpan.FromSeconds(60)) && probe.ExitCode == 0;
            Imports[module] = ok;
            return ok;
        }
    }
}
