using System.Diagnostics;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// ./torsiond at the repository root: it builds the runner the first time, not again, and then
/// becomes the server (exec), so the pid a user starts is the pid that serves and gets signals.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class WrapperTests
{
    private static string Wrapper => Path.Combine(Torsiond.RepositoryRoot, "torsiond");

    [Fact]
    [Torsion.TestSupport.TimeLimit(900)] // may build the runner from scratch (up to 600 s on a loaded machine), then start it
    public void BuildsOnceThenExecsTheServer()
    {
        if (!File.Exists("/usr/bin/flock"))
        {
            Assert.Skip("the wrapper needs flock (util-linux) to serialise first builds");
        }
        // First use may build (on a fresh clone it does); either way it must end up working.
        using (var first = Torsion.Tests.Support.ChildProcess.Start(new ProcessStartInfo(Wrapper, ["--version"])))
        {
            Assert.Equal(0, first.WaitForExit(600));
            Assert.Contains("torsiond ", first.Output);
        }
        using (var second = Torsion.Tests.Support.ChildProcess.Start(new ProcessStartInfo(Wrapper, ["--version"])))
        {
            Assert.Equal(0, second.WaitForExit(120));
            Assert.DoesNotContain("building", second.Output);
        }

        var dir = Torsiond.Scratch();
        var info = new ProcessStartInfo(Wrapper, ["-n", "--pidfile=torsiond.pid", "-y", Torsiond.EchoScript(dir)]) { WorkingDirectory = dir };
        info.Environment["PORT"] = Torsiond.FreePort().ToString();
        using var server = Torsion.Tests.Support.ChildProcess.Start(info);
        server.WaitForLine(l => l.Contains("Started"), 120);
        // exec: the wrapper's own pid is the server's.
        Assert.Equal(server.Pid, Torsiond.ReadPid(Path.Combine(dir, "torsiond.pid")));
        Assert.Equal("torsiond", File.ReadAllText($"/proc/{server.Pid}/comm").Trim());
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }
}
