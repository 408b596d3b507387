using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Torsion.TestSupport;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// Debian's haproxy in the foreground (<c>-db</c>) with a config in a temp directory: three frontends on
/// free loopback ports in front of one server port: <c>mode tcp</c> with <c>send-proxy</c> (v1), <c>mode tcp</c>
/// with <c>send-proxy-v2</c>, and <c>mode http</c> with <c>send-proxy-v2</c>. Killed by pid on Dispose.
/// </summary>
internal sealed class HAProxyPeer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly System.Text.StringBuilder _stderr = new();

    public HAProxyPeer(int serverPort)
    {
        var haproxy = Peers.RequireProgram("haproxy", "haproxy");
        _dir = Directory.CreateTempSubdirectory("torsion-haproxy-").FullName;
        (V1Port, V2Port, HttpPort) = (FreePort(), FreePort(), FreePort());
        var config = $"""
            global
                maxconn 200
            defaults
                timeout connect 5s
                timeout client 60s
                timeout server 60s
            frontend v1
                mode tcp
                bind 127.0.0.1:{V1Port}
                default_backend v1
            backend v1
                mode tcp
                server s1 127.0.0.1:{serverPort} send-proxy
            frontend v2
                mode tcp
                bind 127.0.0.1:{V2Port}
                default_backend v2
            backend v2
                mode tcp
                server s2 127.0.0.1:{serverPort} send-proxy-v2
            frontend web
                mode http
                bind 127.0.0.1:{HttpPort}
                default_backend web
            backend web
                mode http
                server s3 127.0.0.1:{serverPort} send-proxy-v2

            """;
        var path = Path.Combine(_dir, "haproxy.cfg");
        File.WriteAllText(path, config);
        var info = new ProcessStartInfo(haproxy) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", path, "-db" })
        {
            info.ArgumentList.Add(a);
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        foreach (var port in new[] { V1Port, V2Port, HttpPort })
        {
            WaitListening(port);
        }
    }

    public int V1Port { get; }

    public int V2Port { get; }

    public int HttpPort { get; }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }

    private void WaitListening(int port)
    {
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited)
            {
                break;
            }
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Connect(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        string output;
        lock (_stderr)
        {
            output = _stderr.ToString();
        }
        Dispose();
        Assert.Fail($"haproxy did not listen on {port}: {output}");
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
