using System.Net.Sockets;
using System.Text;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// --syslog and --prefix through the real torsiond. syslog(3) writes to the fixed path /dev/log, so
/// torsiond runs in a mount namespace of its own (<c>unshare --mount</c>) whose /dev is a fresh tmpfs
/// holding the usual devices and, as <c>log</c>, a datagram socket this test listens on: the host's
/// /dev and syslog are never touched.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class SyslogTests
{
    private sealed class PrivateDevLog : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

        public PrivateDevLog()
        {
            Directory = Torsiond.Scratch();
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "olddev"));
            _socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(Directory, "log")));
            _socket.ReceiveTimeout = 30_000;
        }

        public string Directory { get; }

        /// <summary>
        /// unshare, then a shell that builds the private /dev (the host's devices bind-mounted from a
        /// temporary view of the old /dev, then /dev/log from this test's socket) and execs its arguments.
        /// </summary>
        public string[] Wrapper => ["unshare", "--mount", "--propagation", "private", "sh", "-c", $"""
            set -e
            d='{Directory}'
            mount --bind /dev "$d/olddev"
            mount -t tmpfs -o mode=755 torsion-test-dev /dev
            for n in null zero full random urandom tty; do
              [ -e "$d/olddev/$n" ] || continue
              touch "/dev/$n"; mount --bind "$d/olddev/$n" "/dev/$n"
            done
            mkdir /dev/shm; mount -t tmpfs -o mode=1777 torsion-test-shm /dev/shm
            ln -s /proc/self/fd /dev/fd
            touch /dev/log; mount --bind "$d/log" /dev/log
            umount -l "$d/olddev"
            exec "$@"
            """, "sh"];

        /// <summary>Syslog records until one contains <paramref name="text"/>; that one is last. Bounded by count and the receive timeout.</summary>
        public List<string> ReceiveUntil(string text)
        {
            var records = new List<string>();
            var buffer = new byte[8192];
            for (var i = 0; i < 500; i++)
            {
                var record = Encoding.UTF8.GetString(buffer, 0, _socket.Receive(buffer));
                records.Add(record);
                if (record.Contains(text, StringComparison.Ordinal))
                {
                    return records;
                }
            }
            throw new InvalidOperationException($"no syslog record contained '{text}' among:\n{string.Join('\n', records)}");
        }

        public void Dispose() => _socket.Dispose();
    }

    private static void RequireMountNamespaces()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("needs root: the test gives torsiond a private /dev/log in a mount namespace");
        }
        if (!File.Exists("/usr/bin/unshare") && !File.Exists("/bin/unshare"))
        {
            Assert.Skip("needs unshare (util-linux) for a private /dev/log");
        }
        using var probe = System.Diagnostics.Process.Start("unshare", ["--mount", "--propagation", "private", "true"])!;
        probe.WaitForExit();
        if (probe.ExitCode != 0)
        {
            Assert.Skip("mount namespaces are not allowed here (unshare --mount failed), so there is no private /dev/log");
        }
    }

    [Fact]
    public void ForegroundLogsToSyslogUnderThePrefix()
    {
        RequireMountNamespaces();
        using var devLog = new PrivateDevLog();
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        using var server = Torsiond.StartUnder(devLog.Wrapper, dir, new Dictionary<string, string> { ["PORT"] = port.ToString() },
            "-n", "--syslog", "--prefix=echo-test", "--pidfile=", "-y", Torsiond.EchoScript(dir));
        var started = devLog.ReceiveUntil("Started").Last();
        // <30>: the daemon facility (3 << 3) at info (6); the identity is the prefix, with the pid (LOG_PID).
        Assert.StartsWith("<30>", started);
        Assert.Contains($" echo-test[{server.Pid}]: ", started);
        Assert.Contains($"serving as pid {server.Pid}", started);
        Assert.Equal("syslogged", Torsiond.Echo(port, "syslogged"));
        // Nothing went to standard output: the log went to syslog instead.
        Assert.DoesNotContain("Started", server.Output);
        server.Signal("TERM");
        var stopping = devLog.ReceiveUntil("Stopped");
        Assert.Contains(stopping, r => r.Contains("Received SIGTERM", StringComparison.Ordinal) && r.Contains($" echo-test[{server.Pid}]: ", StringComparison.Ordinal));
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void ADaemonLogsToSyslogWithTheDefaultPrefix()
    {
        RequireMountNamespaces();
        using var devLog = new PrivateDevLog();
        var dir = Torsiond.Scratch();
        var port = Torsiond.FreePort();
        var pidFile = Path.Combine(dir, "torsiond.pid");
        using (var parent = Torsiond.StartUnder(devLog.Wrapper, dir, new Dictionary<string, string> { ["PORT"] = port.ToString() },
            "--syslog", "-y", Torsiond.EchoScript(dir)))
        {
            // The parent returns once the daemon reports it is serving.
            Assert.Equal(0, parent.WaitForExit(120));
        }
        var pid = Torsiond.ReadPid(pidFile);
        try
        {
            var started = devLog.ReceiveUntil("Started").Last();
            Assert.Contains($" torsiond[{pid}]: ", started);
            Assert.Equal("daemon", Torsiond.Echo(port, "daemon"));
            Assert.False(File.Exists(Path.Combine(dir, "torsiond.log")));
        }
        finally
        {
            Torsiond.Kill(pid, "TERM");
            Assert.True(Torsiond.WaitGone(pid));
        }
        Assert.Contains(devLog.ReceiveUntil("Stopped"), r => r.Contains($" torsiond[{pid}]: ", StringComparison.Ordinal));
    }
}
