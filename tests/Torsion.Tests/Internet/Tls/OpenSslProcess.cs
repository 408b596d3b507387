using System.Collections.Concurrent;
using System.Diagnostics;

namespace Torsion.Tests.Internet.Tls;

/// <summary>
/// The openssl binary run as a child process with its stdin and stdout piped. Output lines are
/// collected as they arrive so a test waits for a line with a timeout, never sleeps. Disposing kills
/// the process if it still runs: only this process, through its own handle.
/// </summary>
public sealed class OpenSslProcess : IDisposable
{
    public const string Binary = "/usr/bin/openssl";

    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _all = new();

    private OpenSslProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } l) { _all.Enqueue(l); _lines.Add(l); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) _all.Enqueue("stderr: " + l); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Skips the test unless the openssl binary is installed.</summary>
    public static void RequireBinary()
    {
        if (!File.Exists(Binary))
        {
            Assert.Skip($"{Binary} is not installed; the OpenSSL interop tests need it (apt-get install openssl).");
        }
    }

    public static OpenSslProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        return new OpenSslProcess(Process.Start(info)!);
    }

    /// <summary>Everything printed so far (stderr lines prefixed), for failure messages.</summary>
    public string Output => string.Join("\n", _all);

    public string WaitForLine(Func<string, bool> match, double timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_lines.TryTake(out var line, left))
            {
                throw new TimeoutException($"openssl printed no matching line within {timeoutSeconds}s. Output so far:\n{Output}");
            }
            if (match(line)) return line;
        }
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.Write(line + "\n");
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for exit; false if it still ran after the timeout.</summary>
    public bool WaitForExit(double timeoutSeconds = 10) => _process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds));

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
