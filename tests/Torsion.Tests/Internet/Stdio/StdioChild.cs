using System.Diagnostics;
using System.Text;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>
/// A child process with its stdin, stdout and stderr all pipes to this test: stdin takes raw bytes, stdout is
/// collected as raw bytes and stderr as text, both as they arrive, so a test waits for what it expects (with a
/// timeout) instead of sleeping. Disposing kills it if it still runs (this process only, by its pid).
/// </summary>
public sealed class StdioChild : IDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _lock = new();
    private readonly Thread _outReader;
    private readonly Thread _errReader;
    private bool _stdoutEnded;

    private StdioChild(ProcessStartInfo info, bool holdStdout = false)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        _process = Process.Start(info)!;
        _outReader = new Thread(() => Pump(_process.StandardOutput.BaseStream, bytes => _stdout.Write(bytes), () => _stdoutEnded = true)) { IsBackground = true };
        _errReader = new Thread(() => Pump(_process.StandardError.BaseStream, bytes => _stderr.Append(Encoding.UTF8.GetString(bytes)), () => { })) { IsBackground = true };
        if (!holdStdout)
        {
            _outReader.Start();
        }
        _errReader.Start();
    }

    /// <summary>Like <see cref="StartDotnet"/>, but stdout is not read until <see cref="ReleaseStdout"/>: the child's writes back up.</summary>
    public static StdioChild StartDotnetWithStdoutHeld(string project, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet");
        info.ArgumentList.Add(ChildProcess.ProgramPath(project));
        foreach (var a in args) info.ArgumentList.Add(a);
        return new StdioChild(info, holdStdout: true);
    }

    /// <summary>Starts reading stdout (after <see cref="StartDotnetWithStdoutHeld"/>).</summary>
    public void ReleaseStdout() => _outReader.Start();

    /// <summary>Starts <c>dotnet PROJECT.dll ARGS</c> (a program built beside the tests).</summary>
    public static StdioChild StartDotnet(string project, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet");
        info.ArgumentList.Add(ChildProcess.ProgramPath(project));
        foreach (var a in args) info.ArgumentList.Add(a);
        return new StdioChild(info);
    }

    /// <summary>Starts <c>/bin/sh -c SCRIPT ARGS...</c> (ARGS are $0, $1, ... in the script).</summary>
    public static StdioChild StartShell(string script, params string[] args)
    {
        var info = new ProcessStartInfo("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new StdioChild(info);
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="args"/>.</summary>
    public static StdioChild Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new StdioChild(info);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The bytes read from stdout so far.</summary>
    public byte[] Stdout
    {
        get { lock (_lock) return _stdout.ToArray(); }
    }

    /// <summary>stdout so far as UTF-8 text.</summary>
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>stderr so far.</summary>
    public string Stderr
    {
        get { lock (_lock) return _stderr.ToString(); }
    }

    /// <summary>The stderr lines so far (complete lines only).</summary>
    public string[] StderrLines => Stderr.Split('\n').SkipLast(1).ToArray();

    public Stream Stdin => _process.StandardInput.BaseStream;

    public void Write(ReadOnlySpan<byte> data)
    {
        Stdin.Write(data);
        Stdin.Flush();
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>Waits until <paramref name="condition"/> holds; fails with everything seen so far after <paramref name="timeoutSeconds"/>.</summary>
    public void WaitFor(Func<StdioChild, bool> condition, string what, double timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        lock (_lock)
        {
            while (!condition(this))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"No {what} within {timeoutSeconds}s.\nstdout: {Escape(StdoutText)}\nstderr: {Stderr}");
                }
                Monitor.Wait(_lock, TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 100)));
            }
        }
    }

    /// <summary>Waits for stdout's end of file.</summary>
    public void WaitForStdoutEnd(double timeoutSeconds = 60) => WaitFor(c => c._stdoutEnded, "end of stdout", timeoutSeconds);

    /// <summary>Waits for exit and for both outputs to be read to their end; returns the exit code.</summary>
    public int WaitForExit(double timeoutSeconds = 60)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            throw new TimeoutException($"Still running after {timeoutSeconds}s.\nstdout: {Escape(StdoutText)}\nstderr: {Stderr}");
        }
        Assert.True(_outReader.Join(TimeSpan.FromSeconds(timeoutSeconds)) && _errReader.Join(TimeSpan.FromSeconds(timeoutSeconds)), "the output pipes stayed open");
        return _process.ExitCode;
    }

    public static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n\n");

    private void Pump(Stream stream, Action<byte[]> add, Action ended)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = stream.Read(buffer);
            }
            catch (IOException)
            {
                n = 0;
            }
            lock (_lock)
            {
                if (n <= 0)
                {
                    ended();
                    Monitor.PulseAll(_lock);
                    return;
                }
                add(buffer[..n]);
                Monitor.PulseAll(_lock);
            }
        }
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
