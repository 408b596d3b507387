using System.Diagnostics;
using Torsion.Runner.Daemon;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.Daemon;

/// <summary>The pid file: a live torsiond blocks a start, anything else is stale and replaced, and only our own pid is removed.</summary>
public sealed class PidFileTests
{
    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"torsiond-{Guid.NewGuid():N}.pid");

    /// <summary>A long-lived process whose command line says torsiond (bash's exec -a sets argv[0]).</summary>
    internal static ChildProcess FakeTorsiond(string extraBash = "") =>
        ChildProcess.Start("bash", "-c", $"{extraBash} echo started; exec -a torsiond-fake sleep 120");

    /// <summary>
    /// Waits until <see cref="FakeTorsiond"/>'s bash has exec'd the fake: its argv[0] is then the name. Bash's
    /// own command line contains "torsiond" too (in its script), so looking for the word alone returned before
    /// the exec, and a pid file read during the exec found the process briefly nameless and took it for stale.
    /// </summary>
    internal static void WaitForExec(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("torsiond-fake", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"process {pid} never exec'd the fake torsiond");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void MissingFileIsMissing()
    {
        Assert.Equal(PidFile.State.Missing, new PidFile(TempPath()).Inspect().State);
    }

    [Fact]
    public void ClaimWritesOurPidAndReleaseRemovesIt()
    {
        var path = TempPath();
        var pidFile = new PidFile(path);
        Assert.Null(pidFile.Claim());
        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(path).Trim());
        pidFile.Release();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void DeadProcessIsStaleAndReplaced()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        var path = TempPath();
        File.WriteAllText(path, gone.Id + "\n");
        var pidFile = new PidFile(path);
        Assert.Equal((PidFile.State.Stale, gone.Id), pidFile.Inspect());
        Assert.Equal(gone.Id, pidFile.Claim());
        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(path).Trim());
        pidFile.Release();
    }

    [Fact]
    public void LiveProcessThatIsNotTorsiondIsStale()
    {
        using var sleeper = ChildProcess.Start("sleep", "120");
        var path = TempPath();
        File.WriteAllText(path, sleeper.Pid.ToString());
        Assert.Equal(PidFile.State.Stale, new PidFile(path).Inspect().State);
        File.Delete(path);
    }

    [Fact]
    public void LiveTorsiondBlocksAClaim()
    {
        using var other = FakeTorsiond();
        other.WaitForLine(l => l == "started");
        var path = TempPath();
        // The pid is bash's until exec; wait for the new name to be visible.
        WaitForExec(other.Pid);
        File.WriteAllText(path, other.Pid.ToString());
        var pidFile = new PidFile(path);
        Assert.Equal(PidFile.State.Live, pidFile.Inspect().State);
        var e = Assert.Throws<RunnerException>(() => pidFile.Claim());
        Assert.Contains("another torsiond is running", e.Message);
        Assert.Contains(other.Pid.ToString(), e.Message);
        Assert.Equal(other.Pid.ToString(), File.ReadAllText(path).Trim());
        File.Delete(path);
    }

    [Fact]
    public void GarbageIsAClearError()
    {
        var path = TempPath();
        File.WriteAllText(path, "hello");
        var e = Assert.Throws<RunnerException>(() => new PidFile(path).Inspect());
        Assert.Contains("does not hold a process id", e.Message);
        Assert.Contains("hello", e.Message);
        File.Delete(path);
    }

    [Fact]
    public void ReleaseLeavesSomeoneElsesFile()
    {
        var path = TempPath();
        File.WriteAllText(path, "1\n");
        new PidFile(path).Release();
        Assert.True(File.Exists(path));
        File.Delete(path);
    }
}
