using System.Collections.Concurrent;
using System.Diagnostics;

namespace Torsion.Tests.Support;

/// <summary>
/// A program of this repository run as a real child process: its output lines are collected as they
/// arrive, so a test waits for a line (with a timeout) instead of sleeping. Disposing kills it if it
/// still runs — only this process, by its own pid.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _all = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } l) { _all.Enqueue(l); _lines.Add(l); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) { _all.Enqueue("stderr: " + l); _lines.Add("stderr: " + l); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The path of a program built beside the test assembly under artifacts/bin/NAME/CONFIG/ASSEMBLY.dll.</summary>
    public static string ProgramPath(string project, string? assembly = null)
    {
        var testDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var config = Path.GetFileName(testDir);
        var bin = Path.GetDirectoryName(Path.GetDirectoryName(testDir))!;
        var path = Path.Combine(bin, project, config, (assembly ?? project) + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{project} was not built next to the tests (expected {path}).");
        }
        return path;
    }

    /// <summary>Starts <c>dotnet PROJECT.dll ARGS</c>.</summary>
    public static ChildProcess StartDotnet(string project, params string[] args) => StartDotnet(project, null, args);

    /// <summary>Starts <c>dotnet PROJECT.dll ARGS</c> with extra environment variables.</summary>
    public static ChildProcess StartDotnet(string project, IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        info.ArgumentList.Add(ProgramPath(project));
        foreach (var a in args) info.ArgumentList.Add(a);
        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>Starts the program <paramref name="info"/> describes, with its output redirected to this object.</summary>
    public static ChildProcess Start(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/> (any program, e.g. a Python peer).</summary>
    public static ChildProcess Start(string fileName, params string[] args)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return new ChildProcess(Process.Start(info)!);
    }

    public int Pid => _process.Id;

    /// <summary>True once the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything printed so far (stderr lines prefixed).</summary>
    public string Output => string.Join("\n", _all);

    /// <summary>Waits for a stdout line satisfying <paramref name="match"/>; fails the test with the output so far on timeout.</summary>
    public string WaitForLine(Func<string, bool> match, double timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_lines.TryTake(out var line, left))
            {
                throw new TimeoutException($"No matching line within {timeoutSeconds}s. Output so far:\n{Output}");
            }
            if (match(line)) return line;
        }
    }

    /// <summary>Sends a POSIX signal to the child.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Pid.ToString()])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for exit and returns the exit code.</summary>
    public int WaitForExit(double timeoutSeconds = 120)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            throw new TimeoutException($"Still running after {timeoutSeconds}s. Output so far:\n{Output}");
        }
        _process.WaitForExit(); // flush the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
