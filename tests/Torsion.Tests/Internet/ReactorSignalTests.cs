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
        // A shell starting a job in the background hands it SIGINT already ignored, and an ignored SIGINT
        // stays ignored (in the runtime as in Twisted, which leaves a non-default SIGINT alone). Start the
        // child with the default disposition, as a terminal would, so the test does not depend on how it
        // was itself started.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        using var child = ChildProcess.Start(python, "-c",
            "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp('dotnet', ['dotnet'] + sys.argv[1:])",
            ChildProcess.ProgramPath("Torsion.TestPrograms"), "signal", reactor);
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
