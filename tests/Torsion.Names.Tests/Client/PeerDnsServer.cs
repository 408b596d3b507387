using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Torsion.Names.Wire;
using Torsion.TestSupport;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// A DNS server no one here wrote (Debian's Knot, NSD or BIND 9), started on a free loopback port with
/// zones the test writes to a temporary directory, and killed by its pid on Dispose. Its configuration is
/// self-contained: pid file, run and database directories are all in that directory.
/// </summary>
internal sealed class PeerDnsServer : IDisposable
{
    public const string Knot = "knot";
    public const string Nsd = "nsd";
    public const string Bind = "bind";

    /// <summary>Torsion's own server, `torsiond dns`, run as a user runs it.</summary>
    public const string Torsiond = "torsiond";

    private readonly Process _process;
    private readonly string _directory;

    private PeerDnsServer(Process process, string directory, IPEndPoint endpoint)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
    }

    /// <summary>Where it answers, over UDP and TCP.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Starts <paramref name="kind"/> serving <paramref name="zones"/> (origin → zone file text), or skips when it is not installed.</summary>
    public static PeerDnsServer Start(string kind, IReadOnlyDictionary<string, string> zones)
    {
        var program = kind switch
        {
            Knot => Peers.RequireProgram("knotd", "knot"),
            Nsd => Peers.RequireProgram("nsd", "nsd"),
            Bind => Peers.RequireProgram("named", "bind9"),
            Torsiond => "dotnet",
            _ => throw new ArgumentException(kind),
        };
        var failures = new List<string>();
        // A port probed free may be taken by someone else before the server binds it: try a few.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("torsion-dns-" + kind + "-").FullName;
            var port = FreePort();
            foreach (var (origin, text) in zones)
            {
                File.WriteAllText(Path.Combine(directory, origin + ".zone"), text);
            }
            var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            var config = Path.Combine(directory, kind + ".conf");
            File.WriteAllText(config, kind switch
            {
                Knot => KnotConfig(directory, port, zones.Keys),
                Nsd => NsdConfig(directory, port, zones.Keys),
                Torsiond => "",
                _ => BindConfig(directory, port, zones.Keys),
            });
            info.WorkingDirectory = directory;
            foreach (var arg in kind switch
            {
                Knot => new[] { "-c", config },
                Nsd => ["-c", config, "-d"],
                Torsiond => [TorsiondPath(), "-n", "-o", "--pidfile=", "dns", "--interface", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--allow-transfer", "127.0.0.1", .. zones.Keys.SelectMany(origin => new[] { "--bindzone", origin + ".zone" })],
                _ => ["-g", "-c", config],
            })
            {
                info.ArgumentList.Add(arg);
            }
            var process = Process.Start(info)!;
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, e) => { if (e.Data is { } l) output.Enqueue(l); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) output.Enqueue(l); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new PeerDnsServer(process, directory, new IPEndPoint(IPAddress.Loopback, port));
            if (server.WaitUntilAnswering(zones.Keys.First()))
            {
                return server;
            }
            server.Dispose();
            failures.Add($"port {port}: {string.Join(" | ", output.TakeLast(8))}");
        }
        throw new InvalidOperationException($"{kind} did not start: {string.Join("; ", failures)}");
    }

    // artifacts/bin/Torsion.Names.Tests/CONFIG/ → artifacts/bin/Torsion.Runner/CONFIG/torsiond.dll
    private static string TorsiondPath()
    {
        var testDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(testDir))!, "Torsion.Runner", Path.GetFileName(testDir), "torsiond.dll");
        Assert.True(File.Exists(path), $"torsiond was not built next to the tests ({path})");
        return path;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM first, so NSD stops and reaps the workers it forked; then, if need be, SIGKILL
                // to it and its own children only.
                _ = Kill(_process.Id, 15);
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(30_000);
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private bool WaitUntilAnswering(string origin)
    {
        var query = new DnsMessage { Id = 4242, Queries = [new DnsQuery(DnsName.Parse(origin), RecordType.SOA)] }.ToBytes();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveTimeout = 250;
        var buffer = new byte[4096];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                return false;
            }
            socket.SendTo(query, Endpoint);
            try
            {
                var n = socket.Receive(buffer);
                var answer = DnsMessage.Parse(buffer.AsSpan(0, n));
                if (answer.Id == 4242 && answer.ResponseCode == ResponseCode.NoError && answer.Answers.Count > 0)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // Not listening yet (timeout or ICMP refusal): ask again.
            }
            catch (DnsFormatException)
            {
            }
        }
        return false;
    }

    private static int FreePort()
    {
        for (var i = 0; i < 50; i++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free port for both UDP and TCP.");
    }

    private static string KnotConfig(string dir, int port, IEnumerable<string> zones) => $"""
        server:
            listen: 127.0.0.1@{port}
            rundir: "{dir}"
            pidfile: "{dir}/knot.pid"
            user: root:root
            udp-workers: 1
            tcp-workers: 1
            background-workers: 1
            nsid: torsion-knot
        database:
            storage: "{dir}/db"
        acl:
          - id: transfer
            address: 127.0.0.0/8
            action: transfer
        template:
          - id: default
            storage: "{dir}"
            semantic-checks: off
            zonefile-sync: -1
            journal-content: none
        zone:
        {string.Concat(zones.Select(z => $"  - domain: {z}\n    file: {z}.zone\n    acl: transfer\n"))}
        log:
          - target: stderr
            any: warning
        """;

    private static string NsdConfig(string dir, int port, IEnumerable<string> zones) => $"""
        server:
            ip-address: 127.0.0.1@{port}
            port: {port}
            username: ""
            chroot: ""
            zonesdir: "{dir}"
            database: ""
            zonelistfile: "{dir}/zone.list"
            xfrdfile: "{dir}/xfrd.state"
            xfrdir: "{dir}"
            pidfile: "{dir}/nsd.pid"
            server-count: 1
            verbosity: 1
            hide-version: yes
        remote-control:
            control-enable: no
        {string.Concat(zones.Select(z => $"zone:\n    name: {z}\n    zonefile: {z}.zone\n    provide-xfr: 127.0.0.1 NOKEY\n"))}
        """;

    private static string BindConfig(string dir, int port, IEnumerable<string> zones) => $$"""
        options {
            directory "{{dir}}";
            pid-file "{{dir}}/named.pid";
            session-keyfile "{{dir}}/session.key";
            managed-keys-directory "{{dir}}";
            listen-on port {{port}} { 127.0.0.1; };
            listen-on-v6 { none; };
            recursion no;
            allow-transfer { 127.0.0.1; };
            dnssec-validation no;
            server-id "torsion-bind";
        };
        controls { };
        {{string.Concat(zones.Select(z => $"zone \"{z}\" {{ type primary; file \"{dir}/{z}.zone\"; }};\n"))}}
        """;
}
