using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>SIGINT and SIGTERM stop a running reactor cleanly, in a real child process, on every backend.</summary>
public sealed class ReactorSignalTests
{
    [Theory]
    [MemberData(nameof(Cases))]
    public void SignalStopsTheReactorAndShutdownTriggersRun(string reactor, string signal, int number)
    {
        ReactorNames.Create(reactor); // skips if the backend cannot run here
        using var child = ChildProcess.StartDotnet("Torsion.TestPrograms", "signal", reactor);
        child.WaitForLine(l => l == "ready");
        child.Signal(signal);
        Assert.Equal(0, child.WaitForExit());
        var lines = child.Output.Split('\n');
        Assert.Contains("before-shutdown", lines);
        Assert.Contains("after-shutdown", lines);
        Assert.Contains($"exited signal={number}", lines);
        Assert.True(Array.IndexOf(lines, "before-shutdown") < Array.IndexOf(lines, "after-shutdown"));
    }

    public static TheoryData<string, string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var info in Torsion.Internet.Reactors.Available)
            {
                data.Add(info.Name, "TERM", 15);
                data.Add(info.Name, "INT", 2);
            }
            return data;
        }
    }
}
