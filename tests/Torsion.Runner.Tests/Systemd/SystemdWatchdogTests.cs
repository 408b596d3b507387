using Torsion.Runner.Daemon;

namespace Torsion.Runner.Tests.Systemd;

/// <summary>WATCHDOG_USEC and WATCHDOG_PID read as sd_watchdog_enabled(3) reads them.</summary>
public sealed class SystemdWatchdogTests
{
    [Theory]
    [InlineData("10000000", null, 5.0)]   // WatchdogSec=10s, no WATCHDOG_PID: ours; half of it
    [InlineData("10000000", "", 5.0)]
    [InlineData("10000000", "4242", 5.0)] // WATCHDOG_PID is this process
    [InlineData("1000", "4242", 0.001)]   // never below a millisecond
    [InlineData("1", null, 0.001)]
    public void PingsAtHalfTheTimeout(string usec, string? pid, double seconds)
    {
        var (interval, problem) = SystemdWatchdog.Parse(usec, pid, 4242);
        Assert.Null(problem);
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "4242")]
    [InlineData("10000000", "1")]     // the watchdog is another process's
    [InlineData("10000000", "x")]
    public void NoWatchdogForUs(string? usec, string? pid)
    {
        var (interval, problem) = SystemdWatchdog.Parse(usec, pid, 4242);
        Assert.Null(interval);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void AMalformedTimeoutIsAProblemNamed(string usec)
    {
        var (interval, problem) = SystemdWatchdog.Parse(usec, null, 4242);
        Assert.Null(interval);
        Assert.Contains($"WATCHDOG_USEC is '{usec}'", problem);
    }
}
