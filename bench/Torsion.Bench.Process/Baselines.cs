using System.Diagnostics;
using System.Globalization;

namespace Torsion.Bench.Processes;

/// <summary>The rows Torsion is measured against: .NET's Process.Start, a shell pipe, Twisted.</summary>
internal static class Baselines
{
    /// <summary>
    /// Process.Start of <paramref name="program"/> <paramref name="total"/> times from <paramref name="concurrency"/>
    /// threads, each waiting for its child's exit before starting the next. With <paramref name="redirect"/>
    /// the child gets three pipes as SpawnProcess gives it, and both outputs are read to the end.
    /// </summary>
    public static double ProcessStartPerSecond(string program, int total, int concurrency, bool redirect)
    {
        var next = 0;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, concurrency).Select(_ => new Thread(() =>
        {
            var info = new ProcessStartInfo(program)
            {
                UseShellExecute = false,
                RedirectStandardInput = redirect,
                RedirectStandardOutput = redirect,
                RedirectStandardError = redirect,
            };
            while (Interlocked.Increment(ref next) <= total)
            {
                using var p = System.Diagnostics.Process.Start(info)!;
                if (redirect)
                {
                    p.StandardInput.Close();
                    p.StandardOutput.ReadToEnd();
                    p.StandardError.ReadToEnd();
                }
                p.WaitForExit();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return total / clock.Elapsed.TotalSeconds;
    }

    /// <summary>MB/s (10^6 bytes) of <c>head -c BYTES /dev/zero | cat &gt; /dev/null</c>: a pipe with no runtime on either end.</summary>
    public static double ShellPipeMBps(long bytes)
    {
        var clock = Stopwatch.StartNew();
        Run("/bin/sh", ["-c", $"head -c {bytes} /dev/zero | cat > /dev/null"]);
        return bytes / clock.Elapsed.TotalSeconds / 1e6;
    }

    /// <summary>Runs bench/process_twisted.py with <paramref name="args"/> and returns the value of its <paramref name="key"/>= output.</summary>
    public static double Twisted(string script, string key, params string[] args)
    {
        var output = Run("/usr/bin/python3", [script, .. args]);
        foreach (var field in output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (field.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return double.Parse(field.AsSpan(key.Length + 1), CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"{script} printed no {key}: {output}");
    }

    /// <summary>
    /// Runs this benchmark again with <paramref name="args"/> (one <c>--row</c>) in a process of its own and
    /// returns the rate and the loop's µs per spawn it prints (NaN for a row without a loop).
    /// </summary>
    public static (double PerSecond, double SpawnMicroseconds) Self(string[] args)
    {
        var output = Run(Environment.ProcessPath!, [Environment.GetCommandLineArgs()[0], .. args]);
        double Field(string key)
        {
            foreach (var field in output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (field.StartsWith(key + "=", StringComparison.Ordinal))
                {
                    return double.Parse(field.AsSpan(key.Length + 1), CultureInfo.InvariantCulture);
                }
            }
            throw new InvalidOperationException($"the {string.Join(' ', args)} run printed no {key}: {output}");
        }
        return (Field("per_s"), Field("in_spawn_us"));
    }

    private static string Run(string program, string[] args)
    {
        var info = new ProcessStartInfo(program, args) { UseShellExecute = false, RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {p.ExitCode}");
        }
        return output;
    }
}
