using Torsion.Runner.Tests.EndToEnd;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>
/// The example units in docs/systemd/ run as written, under a fake systemd: the test reads
/// ExecStart=, Environment=, WatchdogSec= (and the .socket's ListenStream= and FileDescriptorName=),
/// puts the repository's torsiond, a scratch site and a free port in place of the installed paths,
/// binds a NOTIFY_SOCKET of its own and starts what the unit starts (through systemd-socket-activate
/// for the socket-activated pair). It then sees what systemd would: READY=1 with MAINPID and a
/// STATUS naming the address, WATCHDOG=1 pings, STOPPING=1 on SIGTERM, exit status 0; and what a
/// client sees: the site.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class UnitFileTests
{
    // The units' WatchdogSec (10 s) would make a slow test; the run uses 1 s (pings every 0.5 s).
    private const string TestWatchdogUsec = "1000000";

    private static string Site()
    {
        var dir = Torsiond.Scratch();
        File.WriteAllText(Path.Combine(dir, "index.html"), "hello from the unit");
        return dir;
    }

    /// <summary>The checks both services' [Service] sections must pass, and the grace period their ExecStart gives.</summary>
    private static double CheckService(UnitFile unit, string[] argv)
    {
        Assert.Equal("notify", unit.Get("Service", "Type"));
        Assert.Equal("main", unit.Get("Service", "NotifyAccess"));
        Assert.Equal("SIGTERM", unit.Get("Service", "KillSignal"));
        Assert.True(UnitFile.Seconds(unit.Get("Service", "WatchdogSec")) >= TimeSpan.FromSeconds(1));
        Assert.Equal("-n", argv[1]);
        Assert.Contains("--log-format=json", argv);
        // The relation the docs promise: systemd's stop timeout is above torsiond's own grace period.
        var grace = double.Parse(argv.Single(a => a.StartsWith("--shutdown-timeout=", StringComparison.Ordinal)).Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(UnitFile.Seconds(unit.Get("Service", "TimeoutStopSec")).TotalSeconds > grace);
        return grace;
    }

    [Fact]
    public void SystemdAnalyzeFindsNothingToSayAboutTheUnits()
    {
        var analyze = Torsion.TestSupport.Peers.RequireProgram("systemd-analyze", "systemd");
        // Installed as the units expect, except that torsiond is the repository's (verify checks
        // that ExecStart's program exists); unknown keys and bad values are what it reports.
        var dir = Torsiond.Scratch();
        var names = new[] { "torsiond-web.socket", "torsiond-web.service", "torsiond-web-direct.service" };
        foreach (var name in names)
        {
            var text = File.ReadAllText(Path.Combine(FakeSystemd.UnitDirectory, name));
            File.WriteAllText(Path.Combine(dir, name), text.Replace("/usr/local/bin/torsiond", Path.Combine(Torsiond.RepositoryRoot, "torsiond"), StringComparison.Ordinal));
        }
        var info = new System.Diagnostics.ProcessStartInfo(analyze) { WorkingDirectory = dir };
        foreach (var a in (string[])["verify", .. names.Select(n => "./" + n)])
        {
            info.ArgumentList.Add(a);
        }
        using var verify = ChildProcess.Start(info);
        Assert.Equal(0, verify.WaitForExit(60));
        Assert.Equal("", verify.Output);
    }

    [Fact]
    public void TheSocketActivatedUnitServesUnderAFakeSystemd()
    {
        var socketUnit = UnitFile.Read(Path.Combine(FakeSystemd.UnitDirectory, "torsiond-web.socket"));
        var service = UnitFile.Read(Path.Combine(FakeSystemd.UnitDirectory, "torsiond-web.service"));
        Assert.True(int.TryParse(socketUnit.Get("Socket", "ListenStream"), out _)); // a port: the test swaps in its own
        var fdName = socketUnit.Get("Socket", "FileDescriptorName");
        var environment = service.Environment();
        Assert.True(environment.ContainsKey("SITE"));
        environment["SITE"] = Site();
        var argv = service.ExecStart(environment);
        CheckService(service, argv);
        Assert.Contains($"systemd:name={fdName}", argv);

        using var notify = new NotifySocket();
        var dir = Torsiond.Scratch();
        using var activated = SocketActivated.Start(dir, fdName, new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notify.Path,
            ["WATCHDOG_USEC"] = TestWatchdogUsec,
        }, argv[1..]);
        // The first connection is what makes systemd-socket-activate start torsiond; it waits in the
        // backlog meanwhile and is answered once torsiond serves.
        var page = FakeSystemd.Get(activated.Port);
        Assert.StartsWith("HTTP/1.1 200", page);
        Assert.EndsWith("hello from the unit", page);

        var ready = notify.WaitFor("READY=1");
        var pid = FakeSystemd.MainPid(ready);
        Assert.Equal($"serving on tcp:127.0.0.1:{activated.Port}", ready.Get("STATUS"));
        var pings = FakeSystemd.Pings(notify, 3);
        // Loose: paced by a timer (0.5 s here), not sent on every loop pass.
        Assert.True(pings[2] - pings[1] > TimeSpan.FromSeconds(0.2), notify.Transcript);

        Torsiond.Kill(pid, "TERM");
        notify.WaitFor("STOPPING=1");
        Assert.NotNull(notify.WaitFor(m => m.Text == "STATUS=Stopped", 60));
        Assert.Equal(0, activated.Process.WaitForExit());
        var texts = FakeSystemd.JsonTexts(activated.Process.Output);
        Assert.Contains(texts, t => t.StartsWith("Pinging systemd's watchdog every 0.5 s", StringComparison.Ordinal));
        Assert.Contains("Stopped", texts);
        Assert.Empty(Directory.GetFiles(dir, "*.pid"));
    }

    [Fact]
    public void TheUnitThatBindsItsOwnPortServesUnderAFakeSystemd()
    {
        var service = UnitFile.Read(Path.Combine(FakeSystemd.UnitDirectory, "torsiond-web-direct.service"));
        var environment = service.Environment();
        Assert.True(int.TryParse(environment["PORT"], out _));
        environment["SITE"] = Site();
        using var notify = new NotifySocket();
        var dir = Torsiond.Scratch();
        // torsiond binds the port itself: if another test took it meanwhile it fails to start (1),
        // and the test tries another, a bounded number of times.
        for (var attempt = 1; ; attempt++)
        {
            var port = Torsiond.FreePort();
            environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var argv = service.ExecStart(environment);
            CheckService(service, argv);
            Assert.Contains($"tcp:{port}", argv);
            using var server = Torsiond.Start(dir, new Dictionary<string, string>
            {
                ["NOTIFY_SOCKET"] = notify.Path,
                ["WATCHDOG_USEC"] = TestWatchdogUsec,
            }, argv[1..]);
            var ready = notify.WaitFor(m => m.Text.Contains("READY=1", StringComparison.Ordinal) || m.Text.StartsWith("STATUS=Failed", StringComparison.Ordinal), 120);
            Assert.True(ready is not null, server.Output);
            if (ready.Value.Text.StartsWith("STATUS=Failed", StringComparison.Ordinal))
            {
                Assert.Equal(1, server.WaitForExit());
                Assert.True(attempt < 5, server.Output);
                continue;
            }
            Assert.Equal(server.Pid, FakeSystemd.MainPid(ready.Value));
            Assert.Equal($"serving on tcp:0.0.0.0:{port}", ready.Value.Get("STATUS"));
            Assert.EndsWith("hello from the unit", FakeSystemd.Get(port));
            FakeSystemd.Pings(notify, 2);
            server.Signal("TERM");
            notify.WaitFor("STOPPING=1");
            Assert.Equal(0, server.WaitForExit());
            FakeSystemd.JsonTexts(server.Output);
            Assert.Empty(Directory.GetFiles(dir, "*.pid"));
            return;
        }
    }
}
