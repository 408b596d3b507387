using System.Collections.Concurrent;
using System.Diagnostics;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>A peer program (node, python) started by a test: its output lines as they come; killed on Dispose.</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly System.Text.StringBuilder _errors = new();

    public PeerProcess(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
            }
            else
            {
                _lines.Add(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The next output line; fails the test after 60 s or at the end of output.</summary>
    public string ReadLine()
    {
        if (!_lines.TryTake(out var line, TimeSpan.FromSeconds(60)))
        {
            Assert.Fail($"The peer printed no further line (exited: {_process.HasExited}). stderr: {Errors}");
        }
        return line!;
    }

    /// <summary>Every remaining line until the peer exits; and its exit code.</summary>
    public (List<string> Lines, int ExitCode) ReadToExit()
    {
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(120)), "The peer did not exit. stderr: " + Errors);
        _process.WaitForExit(); // flushes the output events
        var lines = new List<string>();
        while (_lines.TryTake(out var line, TimeSpan.FromSeconds(10)))
        {
            lines.Add(line);
        }
        return (lines, _process.ExitCode);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // it was never started or already gone
        }
        _process.Dispose();
    }
}
