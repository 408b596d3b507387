using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Torsion.TestSupport;

/// <summary>
/// Publishes a program of the repository with Native AOT (<c>dotnet publish -p:PublishAot=true</c>), as
/// docs/aot.md tells a user to, and checks the publish is clean: no trim or AOT warning, one native
/// executable and no managed assembly beside it. The SDK links the native file with clang, so without clang
/// the test is skipped, naming the package (.ci/run installs it).
/// </summary>
public static partial class NativeAot
{
    /// <summary>How long one publish may take: the AOT compiler alone takes a minute or two on a loaded machine.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(600);

    /// <summary>
    /// Publishes <paramref name="project"/> (a path from the repository root) into <paramref name="scratch"/>
    /// and returns the path of the native executable, copied alone into a directory of its own (so running it
    /// proves it needs nothing else from the publish folder).
    /// </summary>
    public static string Publish(string project, string scratch)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("the Native AOT tests publish for Linux");
        }
        if (!File.Exists("/usr/bin/clang"))
        {
            Assert.Skip("Native AOT links with clang, which is not installed: apt-get install clang");
        }
        var root = RepositoryRoot();
        var projectPath = Path.Combine(root, project);
        Assert.True(File.Exists(projectPath), $"{projectPath} does not exist");
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var output = Path.Combine(scratch, "publish");

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var arg in new[]
        {
            "publish", projectPath, "-c", "Release", "-r", $"linux-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}", "-p:PublishAot=true", "-o", output,
            // Its own artifacts tree: the publish rebuilds the libraries in Release without touching the
            // assemblies this test process has loaded. No build servers: nothing outlives the test.
            $"-p:ArtifactsPath={Path.Combine(scratch, "artifacts")}", "--disable-build-servers", "-nologo",
        })
        {
            info.ArgumentList.Add(arg);
        }
        // The test host's MSBuild variables would point the child at the wrong SDK pieces.
        foreach (var inherited in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            info.Environment.Remove(inherited);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var (code, log) = Run(info, PublishTimeout);
        Assert.True(code == 0, $"dotnet publish of {project} failed ({code}):\n{log}");
        Assert.Contains("Generating native code", log, StringComparison.Ordinal);
        var warnings = WarningLine().Matches(log).Select(m => m.Value.Trim()).Distinct().ToList();
        Assert.True(warnings.Count == 0, $"the AOT publish of {project} warned:\n{string.Join('\n', warnings)}");

        var native = Path.Combine(output, name);
        Assert.True(File.Exists(native), $"no native executable {native}; published: {string.Join(", ", Directory.GetFiles(output).Select(Path.GetFileName))}");
        Assert.Empty(Directory.GetFiles(output, "*.dll"));
        var magic = new byte[4];
        using (var file = File.OpenRead(native))
        {
            file.ReadExactly(magic);
        }
        Assert.Equal("\u007fELF"u8.ToArray(), magic);

        var alone = Directory.CreateDirectory(Path.Combine(scratch, "alone")).FullName;
        var copy = Path.Combine(alone, name);
        File.Copy(native, copy);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(copy, File.GetUnixFileMode(native));
        }
        return copy;
    }

    /// <summary>
    /// Runs the published program at <paramref name="path"/> with <paramref name="args"/> once per backend the
    /// registry offers, chosen at run time by name (TORSION_REACTOR), so each must survive trimming: every run
    /// exits 0 with nothing on standard error, and <paramref name="checkOutput"/> gets the backend's name and
    /// standard output. A backend this machine cannot run is passed over only where that is allowed
    /// (<see cref="Backends.AllMustRun"/>); epoll and sockets must always have run.
    /// </summary>
    public static void RunOnEveryBackend(string path, IReadOnlyList<string> args, Action<string, string> checkOutput)
    {
        var ran = new List<string>();
        foreach (var backend in Torsion.Internet.Reactors.Available)
        {
            if (!backend.IsSupported)
            {
                Assert.True(backend.Name == "io_uring" || !Backends.AllMustRun, $"{backend.Name} cannot run here: {backend.UnsupportedReason}");
                continue;
            }
            var env = new Dictionary<string, string> { [Torsion.Internet.Reactors.EnvironmentVariable] = backend.Name };
            var (code, stdout, stderr) = RunProgram(path, args, env);
            Assert.True(code == 0, $"{backend.Name}: exit {code}: {stderr}");
            Assert.Equal("", stderr);
            checkOutput(backend.Name, stdout);
            ran.Add(backend.Name);
        }
        Assert.Contains("epoll", ran);
        Assert.Contains("sockets", ran);
    }

    /// <summary>Runs a published program with a bounded wait; its exit code, standard output and standard error.</summary>
    public static (int Code, string Out, string Err) RunProgram(string path, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(path)} did not exit within 60 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static (int Code, string Log) Run(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet publish did not finish within {timeout.TotalSeconds} s:\n{log}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        lock (log)
        {
            return (process.ExitCode, log.ToString());
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Torsion.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Torsion.slnx above {AppContext.BaseDirectory}");
    }

    // MSBuild's form of a diagnostic: "file(1,2): warning IL2026: ..." or "ILC : warning IL3050: ...".
    [GeneratedRegex(@"^.*\bwarning [A-Z]+[0-9]+:.*$", RegexOptions.Multiline)]
    private static partial Regex WarningLine();
}
