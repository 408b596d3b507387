namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// torsiond as a daemon, as a real process: the parent returns only once the application serves,
/// the pid file guards against a second start, `stop` ends it, and failures reach the terminal.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class DaemonTests : IDisposable
{
    private readonly List<string> _dirs = [];

    /// <summary>A scratch directory whose daemon, if a failed test left it running, Dispose kills.</summary>
    private string Scratch()
    {
        var dir = Torsiond.Scratch();
        _dirs.Add(dir);
        return dir;
    }

    /// <summary>
    /// A test that fails before its `stop` would leave its daemon (detached, so no process tree of
    /// ours) running for the rest of the run: kill it by the pid it wrote, if it is still torsiond.
    /// </summary>
    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            try
            {
                foreach (var pidFile in Directory.EnumerateFiles(dir, "*.pid", SearchOption.AllDirectories))
                {
                    if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && Torsiond.IsAlive(pid)
                        && File.ReadAllText($"/proc/{pid}/cmdline").Contains("torsiond", StringComparison.Ordinal))
                    {
                        Torsiond.Kill(pid, "KILL");
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile (a daemon removing its pid file as it stops): nothing left to kill.
            }
        }
    }

    [Fact]
    public void StartsServesRefusesASecondStartAndStops()
    {
        var dir = Scratch();
        var script = Torsiond.EchoScript(dir);
        var port = Torsiond.FreePort();
        var env = new Dictionary<string, string> { ["PORT"] = port.ToString() };
        var (status, output) = Torsiond.Run(dir, env, "-y", script);
        Assert.True(status == 0, output);
        // The parent returned: the application must already be serving, with no retry needed.
        Assert.Equal("ping", Torsiond.Echo(port, "ping"));
        var pidFile = Path.Combine(dir, "torsiond.pid");
        var pid = Torsiond.ReadPid(pidFile);
        Assert.True(Torsiond.IsAlive(pid));
        Assert.NotEqual(Environment.ProcessId, pid);
        var log = Torsiond.WaitForFileText(Path.Combine(dir, "torsiond.log"), "Started");
        Assert.Contains($"pid {pid}", log);
        // The daemon left the terminal's session and points its standard streams at /dev/null.
        Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/1").LinkTarget);
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(pid.ToString(), fields[3]); // session id == pid after setsid()

        var (again, againOutput) = Torsiond.Run(dir, env, "-y", script);
        Assert.Equal(1, again);
        Assert.Contains("another torsiond is running", againOutput);
        Assert.True(Torsiond.IsAlive(pid));

        var (stopped, stopOutput) = Torsiond.Run(dir, null, "stop");
        Assert.True(stopped == 0, stopOutput);
        Assert.False(Torsiond.IsAlive(pid));
        Assert.False(File.Exists(pidFile));
        Assert.Contains("Stopped", File.ReadAllText(Path.Combine(dir, "torsiond.log")));
    }

    [Fact]
    public void ABrokenScriptMakesTheParentExitWithTheCompilerError()
    {
        var dir = Scratch();
        var script = Path.Combine(dir, "broken.csx");
        File.WriteAllText(script, "var application = new Application(\"x\");\nthis is not C#;\n");
        var (status, output) = Torsiond.Run(dir, null, "-y", script);
        Assert.Equal(1, status);
        Assert.Contains("error CS", output);
        Assert.Contains("(2,", output); // the line of the mistake
        // The daemon child removes its pid file as it exits, which on a loaded machine can be just
        // after the parent has reported the failure and returned: wait for it, bounded.
        var pidFile = Path.Combine(dir, "torsiond.pid");
        Assert.True(Torsiond.WaitUntil(() => !File.Exists(pidFile)), "the failed daemon left its pid file behind");
    }

    [Fact]
    public void APortInUseMakesTheParentExitWithTheReason()
    {
        var dir = Scratch();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var (status, output) = Torsiond.Run(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() }, "-y", Torsiond.EchoScript(dir));
        Assert.Equal(1, status);
        Assert.Contains(port.ToString(), output);
        Assert.Contains("in use", output, StringComparison.OrdinalIgnoreCase);
        var pidFile = Path.Combine(dir, "torsiond.pid"); // removed by the exiting child, maybe just after the parent returned
        Assert.True(Torsiond.WaitUntil(() => !File.Exists(pidFile)), "the failed daemon left its pid file behind");
    }

    [Fact]
    public void AStalePidFileFromAKilledDaemonIsRemoved()
    {
        var dir = Scratch();
        var script = Torsiond.EchoScript(dir);
        var port = Torsiond.FreePort();
        var env = new Dictionary<string, string> { ["PORT"] = port.ToString() };
        var (started, startOutput) = Torsiond.Run(dir, env, "-y", script);
        Assert.True(started == 0, startOutput);
        var pidFile = Path.Combine(dir, "torsiond.pid");
        var first = Torsiond.ReadPid(pidFile);
        Torsiond.Kill(first, "KILL");
        Assert.True(Torsiond.WaitGone(first));
        Assert.True(File.Exists(pidFile)); // kill -9 leaves it behind

        var (status, output) = Torsiond.Run(dir, env, "-y", script);
        Assert.True(status == 0, output);
        var second = Torsiond.ReadPid(pidFile);
        Assert.NotEqual(first, second);
        Torsiond.WaitForFileText(Path.Combine(dir, "torsiond.log"), $"Removed the stale pid file {pidFile} (pid {first}");
        Assert.Equal("again", Torsiond.Echo(port, "again"));
        Assert.Equal(0, Torsiond.Run(dir, null, "stop").Status);
    }

    [Fact]
    public void Sigusr1RotatesAndSighupReopensTheLog()
    {
        var dir = Scratch();
        var env = new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() };
        Assert.Equal(0, Torsiond.Run(dir, env, "-y", Torsiond.EchoScript(dir)).Status);
        var pid = Torsiond.ReadPid(Path.Combine(dir, "torsiond.pid"));
        var log = Path.Combine(dir, "torsiond.log");
        Torsiond.WaitForFileText(log, "Started");

        Torsiond.Kill(pid, "USR1");
        var rotated = Torsiond.WaitForFileText(log + ".1", "Started");
        Assert.Contains("Started", rotated);
        Torsiond.WaitForFileText(log, "rotated on SIGUSR1");

        // logrotate's way: move the file away, then SIGHUP; the daemon writes to a new file by the old name.
        File.Move(log, log + ".moved");
        Torsiond.Kill(pid, "HUP");
        Torsiond.WaitForFileText(log, "reopened on SIGHUP");
        Assert.Equal(0, Torsiond.Run(dir, null, "stop").Status);
    }

    [Fact]
    public void UmaskAndRundirAreHonoured()
    {
        var dir = Scratch();
        var runDir = Directory.CreateDirectory(Path.Combine(dir, "run")).FullName;
        var env = new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() };
        var (status, output) = Torsiond.Run(dir, env, "-y", Torsiond.EchoScript(dir), "--rundir", runDir, "--umask", "027");
        Assert.True(status == 0, output);
        var pid = Torsiond.ReadPid(Path.Combine(dir, "torsiond.pid")); // relative paths were taken before the chdir
        Assert.Equal(runDir, new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget);
        Assert.Contains("Umask:\t0027", File.ReadAllText($"/proc/{pid}/status"));
        Assert.Equal(0, Torsiond.Run(dir, null, "stop").Status);
    }

    [Fact]
    public void TheDefaultDaemonUmaskIs077()
    {
        var dir = Scratch();
        var env = new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() };
        Assert.Equal(0, Torsiond.Run(dir, env, "-y", Torsiond.EchoScript(dir)).Status);
        var pid = Torsiond.ReadPid(Path.Combine(dir, "torsiond.pid"));
        Assert.Contains("Umask:\t0077", File.ReadAllText($"/proc/{pid}/status"));
        Assert.Equal(0, Torsiond.Run(dir, null, "stop").Status);
    }

    [Fact]
    public void ChrootAfterListeningAndThePidFileIsStillRemoved()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("needs root: chroot(2) is root's privilege");
        }
        var dir = Scratch();
        var jail = Directory.CreateDirectory(Path.Combine(dir, "jail")).FullName;
        var port = Torsiond.FreePort();
        var (status, output) = Torsiond.Run(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() }, "-y", Torsiond.EchoScript(dir), "--chroot", jail);
        Assert.True(status == 0, output);
        var pidFile = Path.Combine(dir, "torsiond.pid");
        var pid = Torsiond.ReadPid(pidFile);
        Assert.Equal(jail, new DirectoryInfo($"/proc/{pid}/root").LinkTarget);
        Assert.Equal("jailed", Torsiond.Echo(port, "jailed"));
        Assert.Equal(0, Torsiond.Run(dir, null, "stop").Status);
        Assert.False(File.Exists(pidFile));
    }
}
