using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>TORSION_REACTOR picks the default backend, in a child process so this process's environment stays put.</summary>
public sealed class ReactorRegistryTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EnvironmentVariablePicksTheDefault(string name)
    {
        ReactorNames.Create(name);
        using var child = ChildProcess.StartDotnet("Torsion.TestPrograms", new Dictionary<string, string> { [Reactors.EnvironmentVariable] = name }, "default-reactor");
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal(name, child.Output.Trim());
    }

    [Fact]
    public void WithoutTheVariableTheDefaultIsEpoll()
    {
        using var child = ChildProcess.StartDotnet("Torsion.TestPrograms", new Dictionary<string, string> { [Reactors.EnvironmentVariable] = "" }, "default-reactor");
        Assert.Equal(0, child.WaitForExit());
        Assert.Equal("epoll", child.Output.Trim());
    }

    [Fact]
    public void AnUnknownNameInTheVariableIsAClearError()
    {
        using var child = ChildProcess.StartDotnet("Torsion.TestPrograms", new Dictionary<string, string> { [Reactors.EnvironmentVariable] = "iocp" }, "default-reactor");
        Assert.Equal(1, child.WaitForExit());
        Assert.Contains("Unknown reactor 'iocp'", child.Output);
        Assert.Contains("epoll, poll, select, sockets, io_uring", child.Output);
    }

    [Fact]
    public void InstallIsOnceOnly()
    {
        // Install mutates process state; Current is the only other member that reads it, and no test uses it.
        var installed = Reactors.Install("poll");
        Assert.Equal("poll", installed.Name);
        Assert.Same(installed, Reactors.Current);
        Assert.Throws<InvalidOperationException>(() => Reactors.Install("epoll"));
    }
}
