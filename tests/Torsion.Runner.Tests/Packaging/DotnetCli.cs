using System.Diagnostics;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>Runs the dotnet CLI (pack, tool install, build) as a user would, bounded in time.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workDir"/>; its exit status and output.</summary>
    public static (int Status, string Output) Run(string workDir, double timeoutSeconds, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        Prepare(info);
        using var child = ChildProcess.Start(info);
        var status = child.WaitForExit(timeoutSeconds);
        return (status, child.Output);
    }

    /// <summary>
    /// A child dotnet starts clean: not as a part of the test run's own build (the MSBuild variables
    /// `dotnet test` leaves behind), with no first-run banner, and with no build node left running after.
    /// </summary>
    public static void Prepare(ProcessStartInfo info)
    {
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment.Remove("TORSION_REACTOR");
    }
}
