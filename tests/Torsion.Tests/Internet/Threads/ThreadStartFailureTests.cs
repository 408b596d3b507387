using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>
/// When no pool thread can start (Linux opens a pipe to start a thread, so running out of descriptors
/// is enough), DeferToThread hands back a failed Deferred instead of throwing into the caller's
/// stack or leaving the work queued for a thread that never comes; once descriptors are free the pool
/// works again. Run in a child process with a low descriptor limit, on every backend.
/// </summary>
public sealed class ThreadStartFailureTests
{
    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DeferToThreadFailsWithThreadStartErrorAndRecovers(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Uses bash's ulimit and Linux's descriptor-hungry thread start.");
        }
        ((IDisposable)ReactorNames.Create(name)).Dispose();
        var dll = ChildProcess.ProgramPath("Torsion.TestPrograms");
        using var child = ChildProcess.Start("bash", "-c", $"ulimit -n 96 && exec dotnet '{dll}' pool-exhausted {name}");
        static bool Outcome(string line) => line.StartsWith("errback ", StringComparison.Ordinal) || line.StartsWith("callback ", StringComparison.Ordinal);
        // While every descriptor is taken: the failure, with its reason.
        Assert.Equal("errback WorkerThreadStartException", child.WaitForLine(Outcome));
        // After they are freed: the pool starts a thread and runs the work.
        Assert.Equal("callback 42", child.WaitForLine(Outcome));
        Assert.Equal(0, child.WaitForExit());
    }
}
