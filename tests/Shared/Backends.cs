using System.Runtime.InteropServices;
using Torsion.Internet;

namespace Torsion.TestSupport;

/// <summary>
/// Where a reactor backend must run. On Linux x86-64 and arm64 the backends built on system calls
/// every kernel has (epoll, poll, select, sockets) are supported, so one reporting itself unavailable
/// there is a bug and fails the test with its reason; elsewhere a backend the platform lacks skips,
/// saying why. io_uring may be switched off legitimately (kernel.io_uring_disabled, a container's
/// seccomp profile), so it skips with its reason everywhere; .ci/run's skip check (tests/expected-skips.txt)
/// still fails a CI run where it does not run.
/// </summary>
public static class Backends
{
    /// <summary>True where every registered backend must be available.</summary>
    public static bool AllMustRun =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Fails (where it must run) or skips (elsewhere) the test when <paramref name="info"/> cannot run here.</summary>
    public static void Require(ReactorInfo info)
    {
        if (info.UnsupportedReason is not { } why)
        {
            return;
        }
        if (AllMustRun && info.Name != "io_uring")
        {
            Assert.Fail($"The {info.Name} reactor reports it cannot run here, but it must on Linux {RuntimeInformation.ProcessArchitecture}: {why}");
        }
        Assert.Skip($"The {info.Name} reactor cannot run here: {why}");
    }

    /// <summary>Creates the named reactor after <see cref="Require"/>.</summary>
    public static IReactor Create(string name)
    {
        var info = Reactors.Get(name);
        Require(info);
        return info.Create();
    }
}
