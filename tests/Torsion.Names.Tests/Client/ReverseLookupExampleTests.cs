using System.Diagnostics;
using Torsion.Names.Client;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// examples/ReverseLookup run as a process (the dll built with the tests) against a peer server holding
/// reverse zones: one line per address, in input order, the bare address where the lookup fails.
/// </summary>
public sealed class ReverseLookupExampleTests : IClassFixture<PeerServers>, IDisposable
{
    private readonly PeerServers _peers;
    private readonly string _directory = Directory.CreateTempSubdirectory("torsion-reverse-").FullName;

    public ReverseLookupExampleTests(PeerServers peers) => _peers = peers;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string ExamplePath()
    {
        // artifacts/bin/Torsion.Names.Tests/CONFIG/ → artifacts/bin/ReverseLookup/CONFIG/ReverseLookup.dll
        var testDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(testDir))!, "ReverseLookup", Path.GetFileName(testDir), "ReverseLookup.dll");
        Assert.True(File.Exists(path), $"examples/ReverseLookup was not built next to the tests ({path})");
        return path;
    }

    private static (int Exit, string[] Out, string Err) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ExamplePath());
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail("ReverseLookup did not finish within 120 s");
        }
        return (process.ExitCode, stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.Result);
    }

    [Theory]
    [InlineData(PeerDnsServer.Knot)]
    [InlineData(PeerDnsServer.Nsd)]
    public void PrintsEachNameInInputOrderAndTheBareAddressWhenThereIsNone(string kind)
    {
        var server = _peers.Get(kind).Endpoint;
        var input = Path.Combine(_directory, "addresses.txt");
        File.WriteAllText(input, "192.0.2.25\n# a comment\n192.0.2.1\n\n192.0.2.200\n2001:db8::1\n2001:db8::2\n");
        var (exit, lines, err) = Run("--server", $"{server.Address}:{server.Port}", input);
        Assert.True(exit == 0, err);
        Assert.Equal(
            ["192.0.2.25 mx1.example.test", "192.0.2.1 www.example.test", "192.0.2.200", "2001:db8::1 www.example.test", "2001:db8::2"],
            lines);
    }

    [Fact]
    public void PrintsEachNameAgainstTheTorsionServerHoldingTheReverseZones()
    {
        // The same zones the peers serve, from Torsion's own zone-file parser and DnsServerFactory.
        using var server = new Tests.Server.ServerHarness(reactor => new Torsion.Names.Server.DnsServerFactory(
            TestZones.All.Values.Select(text => new Torsion.Names.Server.ZoneAuthority(Torsion.Names.Server.ZoneFileParser.Parse(text, Torsion.Names.Wire.DnsName.Root))).ToList(),
            clock: reactor));
        var input = Path.Combine(_directory, "addresses.txt");
        File.WriteAllText(input, "2001:db8::2\n192.0.2.1\n192.0.2.25\n2001:db8::1\n192.0.2.200\n");
        var (exit, lines, err) = Run("--server", $"{server.Udp.Address}:{server.Udp.Port}", input);
        Assert.True(exit == 0, err);
        Assert.Equal(
            ["2001:db8::2", "192.0.2.1 www.example.test", "192.0.2.25 mx1.example.test", "2001:db8::1 www.example.test", "192.0.2.200"],
            lines);
    }

    [Fact]
    public void BadArgumentsFailWithAMessage()
    {
        var input = Path.Combine(_directory, "bad.txt");
        File.WriteAllText(input, "192.0.2.1\nnot-an-address\n");
        var badLine = Run("--server", "127.0.0.1:53", input);
        Assert.NotEqual(0, badLine.Exit);
        Assert.Contains("not-an-address", badLine.Err);
        Assert.Empty(badLine.Out);

        var missing = Run("--server", "127.0.0.1:53", Path.Combine(_directory, "missing.txt"));
        Assert.NotEqual(0, missing.Exit);
        Assert.Contains("cannot read", missing.Err);

        var badServer = Run("--server", "localhost:x", input);
        Assert.NotEqual(0, badServer.Exit);
        Assert.Contains("--server", badServer.Err);

        var noFile = Run();
        Assert.NotEqual(0, noFile.Exit);
        Assert.Contains("usage", noFile.Err);
    }
}
