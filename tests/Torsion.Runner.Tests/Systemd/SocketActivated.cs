using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Torsion.Runner.Tests.EndToEnd;
using Torsion.Tests.Support;
using Torsion.TestSupport;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>
/// torsiond started the way a .socket unit starts it, by Debian's <c>systemd-socket-activate</c>:
/// it binds 127.0.0.1:PORT, waits for the first connection (or datagram), then forks and execs
/// torsiond with the socket on descriptor 3 and LISTEN_FDS, LISTEN_PID (the child's pid) and
/// LISTEN_FDNAMES set. It passes on only the variables named with <c>-E</c> (and PATH, HOME...), so
/// everything torsiond needs is named. Without --accept it execs torsiond in its own process (same
/// pid), but the tests take torsiond's pid from the MAINPID it notifies, as systemd does, so they do
/// not depend on that.
/// </summary>
internal sealed class SocketActivated : IDisposable
{
    private SocketActivated(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    /// <summary>systemd-socket-activate, then (after the first connection) torsiond's output too.</summary>
    public ChildProcess Process { get; }

    /// <summary>The port the socket listens on.</summary>
    public int Port { get; }

    /// <summary>
    /// Starts <c>systemd-socket-activate [--datagram] -l 127.0.0.1:PORT --fdname=NAME</c> on a free
    /// port (bind 0, read, close, and start: another test may take the port in between, so a failure
    /// to listen is retried, a bounded number of times), passing <paramref name="environment"/> with
    /// <c>-E</c>, to run torsiond with <paramref name="arguments"/>.
    /// </summary>
    public static SocketActivated Start(string workDir, string? fdName, IDictionary<string, string> environment, string[] arguments, bool datagram = false)
    {
        var program = Peers.RequireProgram("systemd-socket-activate", "systemd");
        for (var attempt = 1; ; attempt++)
        {
            var port = EphemeralPort(datagram);
            var info = new ProcessStartInfo(program) { WorkingDirectory = workDir };
            if (datagram)
            {
                info.ArgumentList.Add("--datagram");
            }
            info.ArgumentList.Add($"--listen=127.0.0.1:{port}");
            if (fdName is not null)
            {
                info.ArgumentList.Add($"--fdname={fdName}");
            }
            var passed = new Dictionary<string, string>(environment) { ["TORSION_CACHE_DIR"] = Torsiond.CacheDirectory };
            foreach (var name in new[] { "DOTNET_ROOT", "DOTNET_CLI_HOME", "XDG_CACHE_HOME" })
            {
                if (Environment.GetEnvironmentVariable(name) is { } value && !passed.ContainsKey(name))
                {
                    passed[name] = value;
                }
            }
            foreach (var (k, v) in passed)
            {
                info.ArgumentList.Add($"--setenv={k}={v}");
            }
            // As Torsiond.Start does: env resets signals the test run may ignore, then execs dotnet (same pid).
            foreach (var a in (string[])["env", "--default-signal=HUP,INT,QUIT,TERM,USR1,USR2", "dotnet", Torsiond.Dll, .. arguments])
            {
                info.ArgumentList.Add(a);
            }
            var process = ChildProcess.Start(info);
            try
            {
                var line = process.WaitForLine(l => l.Contains("Listening on", StringComparison.Ordinal) || l.Contains("Failed", StringComparison.Ordinal), 60);
                if (line.Contains("Listening on", StringComparison.Ordinal))
                {
                    return new SocketActivated(process, port);
                }
            }
            catch (TimeoutException) when (process.HasExited && attempt < 5)
            {
            }
            process.Dispose();
            if (attempt >= 5)
            {
                throw new InvalidOperationException($"systemd-socket-activate could not listen after {attempt} tries:\n{process.Output}");
            }
        }
    }

    /// <summary>A port the kernel just gave out and that is free again (a moment ago).</summary>
    private static int EphemeralPort(bool datagram)
    {
        using var s = datagram
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public void Dispose() => Process.Dispose();
}
