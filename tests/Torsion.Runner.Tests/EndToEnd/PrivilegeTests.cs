namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// -g, -u and --euid through the real torsiond, as root: the running server's ids, read from
/// /proc/PID/status, are the ones asked for (all four of real, effective, saved and filesystem, or
/// only the effective and filesystem ones with --euid).
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class PrivilegeTests
{
    private static void RequireRoot()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("needs root: only root may switch to another user or group");
        }
    }

    /// <summary>The ids on the <paramref name="field"/> line ("Uid", "Gid", "Groups") of /proc/PID/status.</summary>
    private static string[] Ids(int pid, string field) =>
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();

    /// <summary>Starts an echo server with <paramref name="options"/> from a directory every user may read, and checks it serves.</summary>
    private static Torsion.Tests.Support.ChildProcess Serve(params string[] options)
    {
        var dir = Torsiond.Scratch();
        // Scratch directories are 0700; a server that gave up root must still reach its working directory.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var port = Torsiond.FreePort();
        var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = port.ToString() },
            ["-n", "--pidfile=", .. options, "-y", Torsiond.EchoScript(dir)]);
        server.WaitForLine(l => l.Contains("Started"));
        Assert.Equal("ids", Torsiond.Echo(port, "ids"));
        return server;
    }

    private static void Stop(Torsion.Tests.Support.ChildProcess server)
    {
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void GidAloneSwitchesTheGroupAndOnlyTheGroup()
    {
        RequireRoot();
        using var server = Serve("--gid=12345");
        Assert.Equal(["12345", "12345", "12345", "12345"], Ids(server.Pid, "Gid"));
        // root's supplementary groups are cleared, not kept beside the new group.
        Assert.Equal(["12345"], Ids(server.Pid, "Groups"));
        Assert.Equal(["0", "0", "0", "0"], Ids(server.Pid, "Uid"));
        Stop(server);
    }

    [Fact]
    public void UidTakesTheUsersPrimaryGroupAndItsGroups()
    {
        RequireRoot();
        using var server = Serve("-u", "nobody");
        Assert.Equal(["65534", "65534", "65534", "65534"], Ids(server.Pid, "Uid"));
        var nobodyGid = Identities(65534);
        Assert.Equal([nobodyGid, nobodyGid, nobodyGid, nobodyGid], Ids(server.Pid, "Gid"));
        Assert.DoesNotContain("0", Ids(server.Pid, "Groups"));
        Stop(server);
    }

    [Fact]
    public void GidOverridesTheUsersPrimaryGroup()
    {
        RequireRoot();
        using var server = Serve("-u", "nobody", "-g", "12345");
        Assert.Equal(["65534", "65534", "65534", "65534"], Ids(server.Pid, "Uid"));
        Assert.Equal(["12345", "12345", "12345", "12345"], Ids(server.Pid, "Gid"));
        Stop(server);
    }

    [Fact]
    public void EuidSwitchesOnlyTheEffectiveIds()
    {
        RequireRoot();
        using var server = Serve("--uid=nobody", "--gid=12345", "--euid");
        // real, effective, saved, filesystem: the real and saved ids stay root's, so root can be taken back.
        Assert.Equal(["0", "65534", "0", "65534"], Ids(server.Pid, "Uid"));
        Assert.Equal(["0", "12345", "0", "12345"], Ids(server.Pid, "Gid"));
        Stop(server);
    }

    /// <summary>The primary group of uid <paramref name="uid"/>, from the passwd database.</summary>
    private static string Identities(int uid)
    {
        using var getent = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getent", ["passwd", uid.ToString()]) { RedirectStandardOutput = true })!;
        var line = getent.StandardOutput.ReadToEnd();
        getent.WaitForExit();
        return line.Split(':')[3];
    }
}
