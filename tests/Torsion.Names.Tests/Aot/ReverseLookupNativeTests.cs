using Torsion.Names.Server;
using Torsion.Names.Tests.Client;
using Torsion.Names.Tests.Server;
using Torsion.Names.Wire;
using Torsion.TestSupport;

namespace Torsion.Names.Tests.Aot;

/// <summary>
/// examples/ReverseLookup (the Names client: PTR lookups gathered in a DeferredList) published with Native
/// AOT (docs/aot.md) and run as one native file against Torsion's own authoritative server on loopback: the
/// same lines and exit codes as the JIT build (ReverseLookupExampleTests), on every backend. A clean publish
/// (no trim or AOT warning) is part of the check.
/// </summary>
public sealed class ReverseLookupNativeTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("torsion-aot-reverse-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    [TimeLimit(900)] // one Native AOT publish: the libraries rebuilt in Release and the AOT compiler (~1-3 min, longer when loaded)
    public void PublishesCleanAndPrintsEachNameOnEveryBackend()
    {
        var reverseLookup = NativeAot.Publish("examples/ReverseLookup/ReverseLookup.csproj", _scratch);

        using var server = new ServerHarness(reactor => new DnsServerFactory(
            TestZones.All.Values.Select(text => new ZoneAuthority(ZoneFileParser.Parse(text, DnsName.Root))).ToList(),
            clock: reactor));
        var input = Path.Combine(_scratch, "addresses.txt");
        File.WriteAllText(input, "2001:db8::2\n# a comment\n192.0.2.1\n\n192.0.2.25\n2001:db8::1\n192.0.2.200\n");
        string[] expected = ["2001:db8::2", "192.0.2.1 www.example.test", "192.0.2.25 mx1.example.test", "2001:db8::1 www.example.test", "192.0.2.200"];

        NativeAot.RunOnEveryBackend(reverseLookup, ["--server", $"{server.Udp.Address}:{server.Udp.Port}", input],
            (_, stdout) => Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var bad = Path.Combine(_scratch, "bad.txt");
        File.WriteAllText(bad, "192.0.2.1\nnot-an-address\n");
        var badLine = NativeAot.RunProgram(reverseLookup, ["--server", "127.0.0.1:53", bad]);
        Assert.Equal(1, badLine.Code);
        Assert.Contains("not-an-address", badLine.Err, StringComparison.Ordinal);
        Assert.Equal("", badLine.Out);

        var usage = NativeAot.RunProgram(reverseLookup, []);
        Assert.Equal(2, usage.Code);
        Assert.Contains("usage: ReverseLookup", usage.Err, StringComparison.Ordinal);

        var badServer = NativeAot.RunProgram(reverseLookup, ["--server", "localhost:x", input]);
        Assert.Equal(2, badServer.Code);
        Assert.Contains("--server", badServer.Err, StringComparison.Ordinal);
    }
}
