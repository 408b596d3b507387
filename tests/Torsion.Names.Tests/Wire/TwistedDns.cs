using System.Diagnostics;

namespace Torsion.Names.Tests.Wire;

/// <summary>Runs twisted_dns.py with Debian's python3-twisted, skipping when it is missing.</summary>
public static class TwistedDns
{
    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> SkipReason = new(() =>
    {
        const string install = "python3-twisted is not installed: apt-get install python3-twisted";
        if (!File.Exists(Python)) return install + $" ({Python} is missing)";
        var (code, _) = Run(["-c", "import twisted.names.dns"]);
        return code == 0 ? null : install;
    });

    /// <summary>The script's output lines up to its "done"; fails with everything it printed otherwise.</summary>
    public static List<string> Call(params string[] args)
    {
        if (SkipReason.Value is { } reason) Assert.Skip(reason);
        var (code, output) = Run(["-u", Path.Combine(AppContext.BaseDirectory, "Wire", "twisted_dns.py"), .. args]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.True(code == 0 && lines.Count > 0 && lines[^1] == "done", $"twisted_dns.py exited {code}:\n{output}");
        return lines[..^1];
    }

    private static (int Code, string Output) Run(string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            return (-1, "timed out after 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
