using Torsion.Runner.Daemon;

namespace Torsion.Runner.Tests.Daemon;

/// <summary><c>torsiond stop</c>: SIGTERM, wait for the process to go, and honest answers when it does not.</summary>
public sealed class DaemonStopperTests
{
    private static string WritePidFile(int pid)
    {
        var path = Path.Combine(Path.GetTempPath(), $"torsiond-stop-{Guid.NewGuid():N}.pid");
        File.WriteAllText(path, pid + "\n");
        return path;
    }

    private static void WaitForName(int pid) => PidFileTests.WaitForExec(pid);

    [Fact]
    public void StopsALiveDaemonAndWaitsForIt()
    {
        using var daemon = PidFileTests.FakeTorsiond();
        daemon.WaitForLine(l => l == "started");
        WaitForName(daemon.Pid);
        var path = WritePidFile(daemon.Pid);
        var output = new StringWriter();
        var status = DaemonStopper.Stop(path, 20, output, new StringWriter());
        Assert.Equal(0, status);
        Assert.Contains("stopped", output.ToString());
        // Stop returned only after the process was gone.
        Assert.Equal(143, daemon.WaitForExit(5)); // 128 + SIGTERM
        File.Delete(path);
    }

    [Fact]
    public void ADaemonThatIgnoresSigtermIsReportedAfterTheTimeout()
    {
        using var daemon = PidFileTests.FakeTorsiond("trap '' TERM;");
        daemon.WaitForLine(l => l == "started");
        WaitForName(daemon.Pid);
        var path = WritePidFile(daemon.Pid);
        var error = new StringWriter();
        var status = DaemonStopper.Stop(path, 0.5, new StringWriter(), error);
        Assert.Equal(1, status);
        Assert.Contains("still running", error.ToString());
        Assert.False(daemon.HasExited);
        File.Delete(path);
    }

    [Fact]
    public void NoPidFileIsAnError()
    {
        var error = new StringWriter();
        Assert.Equal(1, DaemonStopper.Stop("/tmp/no-such-torsiond.pid", 1, new StringWriter(), error));
        Assert.Contains("no pid file", error.ToString());
    }

    [Fact]
    public void AStalePidFileIsRemovedAndReported()
    {
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        var path = WritePidFile(gone.Id);
        var output = new StringWriter();
        Assert.Equal(0, DaemonStopper.Stop(path, 1, output, new StringWriter()));
        Assert.Contains("not running", output.ToString());
        Assert.False(File.Exists(path));
    }
}
