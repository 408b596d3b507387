using System.Text.RegularExpressions;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// dig (Debian's dnsutils) against a real <c>torsiond dns</c> process: every record type over UDP and
/// TCP, negative answers, truncation then TCP, AXFR allowed and refused, and the plugin's options.
/// </summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed partial class DnsPluginTests(DnsServerProcess server) : IClassFixture<DnsServerProcess>
{
    public static TheoryData<string, string, string, bool> EveryType()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var tcp in new[] { false, true })
        {
            data.Add("www.example.com", "A", "192.0.2.3", tcp);
            data.Add("www.example.com", "AAAA", "2001:db8::3", tcp);
            data.Add("example.com", "NS", "ns1.example.com.", tcp);
            data.Add("alias.example.com", "CNAME", "www.example.com.", tcp);
            data.Add("dn.example.com", "DNAME", "target.example.com.", tcp);
            data.Add("example.com", "SOA", "ns1.example.com. hostmaster.example.com. 2024010101 86400 7200 2419200 3600", tcp);
            data.Add("ptr.example.com", "PTR", "www.example.com.", tcp);
            data.Add("example.com", "MX", "10 mail.example.com.", tcp);
            data.Add("txt.example.com", "TXT", "\"hello \\\"world\\\"\" \"x\\\\y\"", tcp);
            data.Add("_sip._tcp.example.com", "SRV", "10 60 5060 sip.example.com.", tcp);
            data.Add("naptr.example.com", "NAPTR", "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .", tcp);
            data.Add("example.com", "CAA", "0 issue \"letsencrypt.org\"", tcp);
            data.Add("host.example.com", "HINFO", "\"PC-Intel\" \"Debian\"", tcp);
            data.Add("unknown.example.com", "TYPE65280", "\\# 4 0A000001", tcp);
        }
        return data;
    }

    private static string Status(string dig) => StatusLine().Match(dig) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No status in:\n" + dig);

    private static string[] Flags(string dig) => FlagsLine().Match(dig) is { Success: true } m ? m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : throw new InvalidOperationException("No flags in:\n" + dig);

    private static string[] Section(string dig, string name)
    {
        var lines = dig.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($";; {name} SECTION:", StringComparison.Ordinal));
        return start < 0 ? [] : [.. lines.Skip(start + 1).TakeWhile(l => l.Trim().Length > 0)];
    }

    [Theory]
    [MemberData(nameof(EveryType))]
    public void DigGetsEveryRecordType(string name, string type, string expected, bool tcp)
    {
        var output = server.Dig([name, type, "+norec", tcp ? "+tcp" : "+notcp"]);
        Assert.Equal("NOERROR", Status(output));
        Assert.Contains("aa", Flags(output));
        var answer = Assert.Single(Section(output, "ANSWER"));
        // dig writes an unknown type and its RFC 3597 data with a space between them, not a tab.
        var fields = (type.StartsWith("TYPE", StringComparison.Ordinal) ? answer.Replace(type + " ", type + "\t", StringComparison.Ordinal) : answer)
            .Split('\t', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(name + ".", fields[0]);
        Assert.Equal("3600", fields[1]);
        Assert.Equal(type, fields[3]);
        Assert.Equal(expected, string.Join('\t', fields[4..]));
        Assert.Contains(tcp ? "(TCP)" : "(UDP)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void NxDomainAndNoDataCarryTheSoa()
    {
        var nx = server.Dig("missing.example.com", "A");
        Assert.Equal("NXDOMAIN", Status(nx));
        Assert.Contains("aa", Flags(nx));
        Assert.Contains("\tSOA\t", Assert.Single(Section(nx, "AUTHORITY")), StringComparison.Ordinal);
        var nodata = server.Dig("www.example.com", "MX", "+tcp");
        Assert.Equal("NOERROR", Status(nodata));
        Assert.Empty(Section(nodata, "ANSWER"));
        Assert.Contains("\t3600\tIN\tSOA\t", Assert.Single(Section(nodata, "AUTHORITY")), StringComparison.Ordinal);
    }

    [Fact]
    public void ALargeAnswerIsTruncatedOverUdpAndWholeOverTcp()
    {
        var truncated = server.Dig("big.example.com", "TXT", "+noedns", "+ignore");
        Assert.Contains("tc", Flags(truncated));
        Assert.InRange(Section(truncated, "ANSWER").Length, 1, 39);
        // Without +ignore, dig itself retries over TCP on TC.
        var retried = server.Dig("big.example.com", "TXT", "+noedns");
        Assert.Contains("Truncated, retrying in TCP mode", retried, StringComparison.Ordinal);
        Assert.Equal(40, Section(retried, "ANSWER").Length);
        Assert.Equal(40, Section(server.Dig("big.example.com", "TXT", "+tcp"), "ANSWER").Length);
    }

    [Fact]
    public void EdnsIsAnsweredWithTheServersSize()
    {
        var output = server.Dig("www.example.com", "A", "+bufsize=4096");
        Assert.Contains("; EDNS: version: 0, flags:; udp: 1232", output, StringComparison.Ordinal);
        Assert.Contains("BADVERS", server.Dig("www.example.com", "A", "+edns=1", "+noednsnegotiation"), StringComparison.Ordinal);
    }

    [Fact]
    public void AxfrToAnAllowedAddressAndRefusedToOthers()
    {
        var allowed = server.Dig("-b", "127.0.0.2", "example.com", "AXFR");
        var records = allowed.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';')).ToArray();
        Assert.Equal(17 + 40 + 1, records.Length);
        Assert.Contains("\tSOA\t", records[0], StringComparison.Ordinal);
        Assert.Contains("\tSOA\t", records[^1], StringComparison.Ordinal);
        Assert.Contains(records, r => r.EndsWith("\tTYPE65280 \\# 4 0A000001", StringComparison.Ordinal));
        var refused = server.Dig("example.com", "AXFR");
        Assert.Contains("Transfer failed", refused, StringComparison.Ordinal);
        Assert.DoesNotContain(refused.Split('\n'), l => l.Contains("\tSOA\t", StringComparison.Ordinal));
    }

    [Fact]
    public void HelpListsEveryOption()
    {
        var (status, output) = Torsiond.Run(Torsiond.Scratch(), null, "dns", "--help");
        Assert.Equal(0, status);
        foreach (var option in new[] { "--interface", "-p, --port", "--bindzone", "--resolv-conf", "--hosts-file", "--cache", "--recursive", "-v, --verbose", "--allow-transfer" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
        Assert.Contains("dns", Torsiond.Run(Torsiond.Scratch(), null, "--help").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadZoneFileNamesFileAndLineAndExitsWithTwo()
    {
        var dir = Torsiond.Scratch();
        File.WriteAllText(Path.Combine(dir, "bad.zone"), "$TTL 1h\n@ SOA ns h 1 2 3 4 5\nwww IN AAA 192.0.2.1\n");
        var (status, output) = Torsiond.Run(dir, null, "-n", "dns", "-p", Torsiond.FreePort().ToString(), "--bindzone", "bad.zone");
        Assert.Equal(2, status);
        Assert.Contains("bad.zone:3: unknown type 'AAA'", output, StringComparison.Ordinal);
        var (missing, why) = Torsiond.Run(dir, null, "-n", "dns", "--bindzone", "nothing.zone");
        Assert.Equal(2, missing);
        Assert.Contains("nothing.zone", why, StringComparison.Ordinal);
        var (port, portWhy) = Torsiond.Run(dir, null, "-n", "dns", "--port", "70000");
        Assert.Equal(2, port);
        Assert.Contains("--port", portWhy, StringComparison.Ordinal);
    }

    [Fact]
    public void RecursionForwardsThroughTheResolvConfServersAndCaches()
    {
        // A second torsiond serves no zone and forwards, through the client resolver, to the fixture's
        // server named in its resolv.conf (the ADDR:PORT form); dig asks it with RD set.
        var dir = Torsiond.Scratch();
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), $"nameserver 127.0.0.1:{server.Port}\noptions timeout:2 attempts:2\n");
        var port = Torsiond.FreePort();
        var forwarder = Torsiond.Start(dir, null, "-n", "-o", "dns", "--interface", "127.0.0.1", "-p", port.ToString(),
            "--recursive", "--cache", "--resolv-conf", "resolv.conf");
        try
        {
            forwarder.WaitForLine(l => l.Contains("Started", StringComparison.Ordinal));
            var forwarded = new DnsServerProcess.DigClient(port);
            var output = forwarded.Dig("www.example.com", "A");
            Assert.Equal("NOERROR", Status(output));
            var flags = Flags(output);
            Assert.Contains("ra", flags);
            Assert.DoesNotContain("aa", flags);
            var fields = Assert.Single(Section(output, "ANSWER")).Split('\t', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["www.example.com.", "A", "192.0.2.3"], [fields[0], fields[3], fields[4]]);

            Assert.Equal("NXDOMAIN", Status(forwarded.Dig("nothing.example.com", "A")));
            // Without RD the forwarder has nothing of its own to say: REFUSED, as for any name outside its zones.
            Assert.Equal("REFUSED", Status(forwarded.Dig("www.example.com", "A", "+norec")));
        }
        finally
        {
            if (!forwarder.HasExited)
            {
                forwarder.Signal("TERM");
                forwarder.WaitForExit();
            }
            forwarder.Dispose();
        }
    }

    [GeneratedRegex(@"status: ([A-Z]+)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@";; flags: ([a-z ]+);")]
    private static partial Regex FlagsLine();
}
