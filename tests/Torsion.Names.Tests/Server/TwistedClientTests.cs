using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Torsion.TestSupport;

namespace Torsion.Names.Tests.Server;

/// <summary>Python Twisted's own DNS client (twisted.names.client.Resolver) against the Torsion server: lookups, NXDOMAIN, truncation then TCP, and a zone transfer.</summary>
public sealed class TwistedClientTests
{
    private static readonly string Zone = ZoneAuthorityTests.Zone + "\n"
        + string.Concat(Enumerable.Range(0, 40).Select(i => $"big IN TXT \"{i:D3} {new string('x', 60)}\"\n"));

    private static List<JsonElement> RunTwisted(int port, params string[] queries)
    {
        var python = Peers.RequirePythonModule("twisted", "python3-twisted");
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Server", "twisted_client.py"));
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var q in queries) info.ArgumentList.Add(q);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new TimeoutException("Twisted's client did not finish.");
        }
        Assert.True(process.ExitCode == 0, error.Result);
        return [.. output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
    }

    private static string[] Strings(JsonElement e, string property) => [.. e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!)];

    [Fact]
    public void TwistedClientGetsAnswersErrorsAndTheWholeZone()
    {
        using var server = ServerHarness.ForZone(Zone, f => f.TransferAllowed.Add(IPNetwork.Parse("127.0.0.1/32")));
        // Over UDP only: the harness's UDP and TCP port numbers differ (the next test binds one number for both).
        var results = RunTwisted(server.Udp.Port,
            "lookupAddress:www.example.com",
            "lookupIPV6Address:mail.example.com",
            "lookupMailExchange:example.com",
            "lookupText:anything.example.com",
            "lookupService:_sip._udp.example.com",
            "lookupCanonicalName:alias.example.com",
            "lookupAddress:chain1.example.com",
            "lookupAddress:missing.www.example.com",
            "lookupAuthority:example.com");
        Assert.Equal(["www.example.com A 192.0.2.3"], Strings(results[0], "answers"));
        Assert.Equal(["mail.example.com AAAA 2001:db8::2"], Strings(results[1], "answers"));
        Assert.Equal(["example.com MX 10 mail.example.com"], Strings(results[2], "answers"));
        Assert.Equal(["mail.example.com A 192.0.2.2", "mail.example.com AAAA 2001:db8::2"], Strings(results[2], "additional"));
        Assert.Equal(["anything.example.com TXT wild"], Strings(results[3], "answers"));
        Assert.Equal(["_sip._udp.example.com SRV 0 5 5060 sip.example.com"], Strings(results[4], "answers"));
        Assert.Equal(["alias.example.com CNAME www.example.com"], Strings(results[5], "answers"));
        Assert.Equal(4, Strings(results[6], "answers").Length);
        Assert.Equal("DNSNameError", results[7].GetProperty("error").GetString());
        Assert.Equal(["example.com SOA ns1.example.com hostmaster.example.com 1"], Strings(results[8], "answers"));
    }

    [Fact]
    public void TwistedClientRetriesTruncatedAnswersOverTcpAndTransfersTheZone()
    {
        // Twisted uses one port number for UDP and TCP: bind both on the same number.
        using var server = new ServerHarness(reactor =>
        {
            var factory = new Torsion.Names.Server.DnsServerFactory(
                [new Torsion.Names.Server.ZoneAuthority(Torsion.Names.Server.ZoneFileParser.Parse(Zone, Torsion.Names.Wire.DnsName.Root))], clock: reactor);
            factory.TransferAllowed.Add(IPNetwork.Parse("127.0.0.1/32"));
            return factory;
        });
        var port = server.OnReactor(() =>
        {
            for (var attempt = 0; ; attempt++)
            {
                var udp = server.Reactor.ListenUdp(0, new Torsion.Names.Server.DnsDatagramProtocol(server.Factory), "127.0.0.1");
                var number = ((IPEndPoint)udp.GetHost()).Port;
                try
                {
                    server.Reactor.ListenTcp(number, server.Factory, interfaceAddress: "127.0.0.1");
                    return number;
                }
                catch (Torsion.Internet.CannotListenError) when (attempt < 20)
                {
                    udp.StopListening();
                }
            }
        });
        var results = RunTwisted(port, "lookupText:big.example.com", "lookupZone:example.com");
        Assert.Equal(40, Strings(results[0], "answers").Length);
        var zone = Strings(results[1], "answers");
        Assert.Equal(Torsion.Names.Server.ZoneFileParser.Parse(Zone, Torsion.Names.Wire.DnsName.Root).Count + 1, zone.Length);
        Assert.StartsWith("example.com SOA", zone[0], StringComparison.Ordinal);
        Assert.StartsWith("example.com SOA", zone[^1], StringComparison.Ordinal);
    }
}
