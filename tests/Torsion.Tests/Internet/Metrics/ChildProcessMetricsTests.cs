using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>
/// The <c>Torsion</c> meter seen from outside the process: accept errors counted in a child whose
/// descriptor limit runs out (ulimit, which the test process must not lower for itself), and the real
/// <c>dotnet-counters</c> tool attached to a running server.
/// </summary>
public sealed class ChildProcessMetricsTests
{
    // The dotnet-counters version this repository tests with (the one its package lists name).
    private const string DotnetCountersVersion = "10.0.750501";

    [Fact]
    public void AcceptErrorsAreCountedWhenDescriptorsRunOut()
    {
        // epoll: a readiness backend, whose accept4 fails with EMFILE. (The sockets backend keeps a
        // descriptor reserve and pauses accepting before that: a pause, not a refused connection.)
        var dll = ChildProcess.ProgramPath("Torsion.TestPrograms");
        using var server = ChildProcess.Start("bash", "-c", $"ulimit -n 160 && exec dotnet '{dll}' metrics-echo epoll");
        var port = int.Parse(server.WaitForLine(l => l.StartsWith("port ")).Split(' ')[1], CultureInfo.InvariantCulture);
        var held = new List<TcpClient>();
        try
        {
            var first = Connect(port);
            held.Add(first);
            Assert.Equal("hello", Echo(first, "hello"));
            for (var i = 0; i < 400 && !server.Output.Contains("accepting on"); i++)
            {
                held.Add(Connect(port));
            }
            server.WaitForLine(l => l.Contains("accepting on"), timeoutSeconds: 30);
            foreach (var c in held.Skip(1)) c.Dispose();
            // Descriptors are free again: a new connection is served, and the first still is.
            using var fresh = Connect(port);
            Assert.Equal("recovered", Echo(fresh, "recovered"));
            Assert.Equal("again", Echo(first, "again"));
            // Asked in-band, on the loop thread (MetricsEcho.cs says why not by a signal).
            first.GetStream().Write("METRICS"u8);
            var metrics = ReadMetrics(server);
            Assert.True(metrics["torsion.connections.refused[torsion.refusal.reason=accept_error]"] >= 1, server.Output);
            Assert.Equal(0, metrics["torsion.connections.refused[torsion.refusal.reason=factory]"]);
            Assert.True(metrics["torsion.connections.accepted[]"] >= 2);
            // Echoed bytes: at least the three exchanges above, in and out alike.
            Assert.True(metrics["torsion.io.bytes_received[torsion.socket.type=stream]"] >= "hellorecoveredagain".Length);
            Assert.True(metrics["torsion.io.bytes_sent[torsion.socket.type=stream]"] >= "hellorecoveredagain".Length);
        }
        finally
        {
            foreach (var c in held) c.Dispose();
        }
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    // The "metric NAME[TAGS] VALUE" lines up to "metrics done".
    private static Dictionary<string, long> ReadMetrics(ChildProcess server)
    {
        var metrics = new Dictionary<string, long>();
        while (true)
        {
            var line = server.WaitForLine(l => l.StartsWith("metric"), timeoutSeconds: 30);
            if (line == "metrics done")
            {
                return metrics;
            }
            var space = line.LastIndexOf(' ');
            metrics[line["metric ".Length..space]] = long.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public void DotnetCountersSeesTheTorsionMeter()
    {
        var tools = Directory.CreateTempSubdirectory("torsion-dotnet-counters-");
        try
        {
            var counters = InstallDotnetCounters(tools.FullName);
            using var server = ChildProcess.StartDotnet("Torsion.TestPrograms", "echo", "epoll");
            var port = int.Parse(server.WaitForLine(l => l.StartsWith("port ")).Split(' ')[1], CultureInfo.InvariantCulture);
            // Three connections open for the whole session; one of them pings all along, so loop passes happen.
            using var idle1 = Connect(port);
            using var idle2 = Connect(port);
            using var pinger = Connect(port);
            Assert.Equal("ping", Echo(pinger, "ping"));
            var csv = Path.Combine(tools.FullName, "counters.csv");
            using var collect = ChildProcess.Start(counters, "collect", "-p", server.Pid.ToString(CultureInfo.InvariantCulture),
                "--counters", ReactorMetrics.MeterName, "--format", "csv", "-o", csv, "--duration", "00:00:00:05");
            for (var i = 0; i < 1000 && !collect.HasExited; i++)
            {
                Assert.Equal("ping", Echo(pinger, "ping"));
                Thread.Sleep(20);
            }
            Assert.Equal(0, collect.WaitForExit(60));
            var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(f => f.Length == 5 && f[1] == ReactorMetrics.MeterName).ToList();
            Assert.NotEmpty(rows);
            string[] observable =
            [
                ReactorMetrics.ConnectionsOpen, ReactorMetrics.ConnectionsAccepted, ReactorMetrics.ConnectionsRefused, ReactorMetrics.ConnectionsFailed,
                ReactorMetrics.BytesReceived, ReactorMetrics.BytesSent, ReactorMetrics.TimersPending, ReactorMetrics.ThreadPoolQueue,
            ];
            foreach (var name in observable)
            {
                Assert.Contains(rows, r => r[2].StartsWith(name + " (", StringComparison.Ordinal) && r[2].Contains("torsion.backend=epoll", StringComparison.Ordinal));
            }
            // The gauge: exactly the three connections, at every sample.
            var open = rows.Where(r => r[2].StartsWith(ReactorMetrics.ConnectionsOpen + " (", StringComparison.Ordinal)).Select(r => double.Parse(r[4], CultureInfo.InvariantCulture)).ToList();
            Assert.NotEmpty(open);
            Assert.All(open, v => Assert.Equal(3, v));
            // The counters are reported as increments: the pings' bytes arrive during the session.
            var received = rows.Where(r => r[2].StartsWith(ReactorMetrics.BytesReceived + " (", StringComparison.Ordinal) && r[2].Contains("socket.type=stream", StringComparison.Ordinal))
                .Sum(r => double.Parse(r[4], CultureInfo.InvariantCulture));
            Assert.True(received > 0, string.Join('\n', rows.Select(r => string.Join(',', r))));
            // The pass-duration histogram, as percentiles.
            Assert.Contains(rows, r => r[2].StartsWith(ReactorMetrics.LoopPassDuration + " (", StringComparison.Ordinal));
            server.Signal("TERM");
            server.WaitForExit();
        }
        finally
        {
            tools.Delete(recursive: true);
        }
    }

    // Into a temporary tool path (never ~/.dotnet/tools); a machine without the package feed skips.
    private static string InstallDotnetCounters(string toolPath)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "tool", "install", "dotnet-counters", "--version", DotnetCountersVersion, "--tool-path", toolPath })
        {
            info.ArgumentList.Add(a);
        }
        using var install = ChildProcess.Start(info);
        var code = install.WaitForExit(300);
        var path = Path.Combine(toolPath, "dotnet-counters");
        if (code != 0 || !File.Exists(path))
        {
            Assert.Skip($"dotnet-counters {DotnetCountersVersion} could not be installed (dotnet tool install exited {code}): {install.Output}");
        }
        return path;
    }

    private static TcpClient Connect(int port)
    {
        var c = new TcpClient { ReceiveTimeout = 30_000 };
        c.Connect("127.0.0.1", port);
        return c;
    }

    private static string Echo(TcpClient client, string text)
    {
        var stream = client.GetStream();
        var bytes = Encoding.ASCII.GetBytes(text);
        stream.Write(bytes);
        var got = new byte[bytes.Length];
        stream.ReadExactly(got);
        return Encoding.ASCII.GetString(got);
    }
}
