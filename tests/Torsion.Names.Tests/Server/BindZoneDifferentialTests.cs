using System.Diagnostics;
using Torsion.Names.Server;
using Torsion.Names.Wire;
using Torsion.TestSupport;

namespace Torsion.Names.Tests.Server;

/// <summary>
/// BIND reads the same zone files: named-compilezone (Debian's bind9-utils) rewrites each in its
/// canonical form, and the records Torsion reads from the original must be the records it reads from
/// BIND's rewrite. A file BIND rejects would fail here too.
/// </summary>
public sealed class BindZoneDifferentialTests
{
    public static TheoryData<string, string, string> Zones() => new()
    {
        { "named-style", "example.com", ZoneFileParserTests.NamedStyle },
        { "authority rules", "example.com", ZoneAuthorityTests.Zone },
        { "RFC 1035 example", "ISI.EDU", ZoneFileParserTests.Rfc1035Example },
    };

    // Standard output (the zone) and standard error apart: errors would not parse as records.
    private static (int Status, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish.");
        }
        return (process.ExitCode, process.ExitCode == 0 ? output.Result : output.Result + error.Result);
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void TorsionReadsTheSameRecordsAsBind(string what, string origin, string text)
    {
        var compile = Peers.RequireProgram("named-compilezone", "bind9-utils");
        var dir = Directory.CreateTempSubdirectory("zone-bind").FullName;
        try
        {
            var file = Path.Combine(dir, "zone");
            File.WriteAllText(file, text);
            var (status, output) = Run(compile, "-q", "-i", "none", "-o", "-", origin, file);
            Assert.True(status == 0, $"BIND rejects the {what} zone: {output}");

            var apex = DnsName.Parse(origin);
            var ours = ZoneFileParser.Parse(text, apex).Where(r => r.Name.IsSubdomainOf(apex)).ToHashSet();
            var bind = ZoneFileParser.Parse(output, DnsName.Root, "named-compilezone output").ToHashSet();
            Assert.Equal(bind.Count, ours.Count);
            // Records compare by owner (ignoring case), class, TTL and data.
            Assert.Empty(bind.Except(ours));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
