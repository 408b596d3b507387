using System.Net;
using System.Text;
using Torsion.Names.Server;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Server;

/// <summary>BIND zone files: RFC 1035's own example, files in the format named-checkzone and knotc accept, every syntax rule, and errors naming file and line.</summary>
public sealed class ZoneFileParserTests
{
    private static IReadOnlyList<ResourceRecord> Parse(string text, string origin = "example.com") => ZoneFileParser.Parse(text, DnsName.Parse(origin), "test.zone");

    private static ResourceRecord Single(IReadOnlyList<ResourceRecord> records, string name, RecordType type) =>
        Assert.Single(records, r => r.Name == DnsName.Parse(name) && r.Type == type);

    // RFC 1035 §5.3, verbatim but for the $INCLUDE: no $TTL, so the SOA's MINIMUM is the TTL; an
    // escaped dot in the mailbox; a comment glued to a number; blank owners; a name that is "A".
    public const string Rfc1035Example = """
        @   IN  SOA     VENERA      Action\.domains (
                                         20     ; SERIAL
                                         7200   ; REFRESH
                                         600    ; RETRY
                                         3600000; EXPIRE
                                         60)    ; MINIMUM

                NS      A.ISI.EDU.
                NS      VENERA
                NS      VAXA
                MX      10      VENERA
                MX      20      VAXA

        A       A       26.3.0.103

        VENERA  A       10.1.0.52
                A       128.9.0.32

        VAXA    A       10.2.0.27
                A       128.9.0.33
        """;

    [Fact]
    public void Rfc1035ExampleParses()
    {
        var records = Parse(Rfc1035Example, "ISI.EDU");
        Assert.Equal(11, records.Count);
        var soa = Assert.IsType<SoaRecord>(records[0].Data);
        Assert.Equal(DnsName.Parse("VENERA.ISI.EDU"), soa.MName);
        Assert.Equal(@"Action\.domains.ISI.EDU", soa.RName.ToString());
        Assert.Equal(2, soa.RName.LabelCount - 1);
        Assert.Equal((20u, 7200u, 600u, 3600000u, 60u), (soa.Serial, soa.Refresh, soa.Retry, soa.Expire, soa.Minimum));
        Assert.All(records, r => Assert.Equal(60u, r.Ttl));
        Assert.Equal(6, records.Count(r => r.Name == DnsName.Parse("ISI.EDU")));
        Assert.Equal(new NsRecord(DnsName.Parse("A.ISI.EDU")), records[1].Data);
        Assert.Equal(new MxRecord(20, DnsName.Parse("VAXA.ISI.EDU")), records[5].Data);
        Assert.Equal(new ARecord("26.3.0.103"), Single(records, "A.ISI.EDU", RecordType.A).Data);
        Assert.Equal(2, records.Count(r => r.Name == DnsName.Parse("VENERA.ISI.EDU")));
        Assert.Equal(new ARecord("128.9.0.33"), records[^1].Data);
    }

    // The layout BIND's and Knot's documentation use; named-checkzone and kzonecheck accept it.
    public const string NamedStyle = """
        $ORIGIN example.com.
        $TTL 1h
        @       IN  SOA ns1 hostmaster (
                        2024010101 ; serial
                        1d         ; refresh
                        2h         ; retry
                        4w         ; expire
                        1h30m )    ; negative TTL
                IN  NS  ns1
                IN  NS  ns2.example.net.
                IN  MX  10 mail
        ns1         IN  A     192.0.2.1
        www     300 IN  A     192.0.2.10
                IN  300 AAAA  2001:db8::10
        mail            A     192.0.2.20
        alias           CNAME www
        redirect        DNAME example.net.
        4.2.0.192.in-addr.arpa. PTR www
        txt             TXT   "hello world" "with \"quotes\", a \\ and \065;" unquoted
        _sip._tcp       SRV   10 60 5060 sip
        sip             A     192.0.2.30
        naptr           NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .
        @               CAA   0 issue "letsencrypt.org"
        host            HINFO "PC-Intel-700mhz" "Debian GNU/Linux"
        unknown         TYPE65280 \# 4 0A000001
        generic-a       A     \# 4 C0000263
        *.wild          A     192.0.2.99
        """;

    [Fact]
    public void NamedStyleFileParsesEveryType()
    {
        var records = Parse(NamedStyle);
        var soa = Assert.IsType<SoaRecord>(records[0].Data);
        Assert.Equal((86400u, 7200u, 2419200u, 5400u), (soa.Refresh, soa.Retry, soa.Expire, soa.Minimum));
        Assert.Equal(DnsName.Parse("hostmaster.example.com"), soa.RName);
        Assert.Equal(3600u, records[0].Ttl);
        Assert.Equal(new NsRecord(DnsName.Parse("ns2.example.net")), records[2].Data);
        Assert.Equal(300u, Single(records, "www.example.com", RecordType.A).Ttl);
        var aaaa = Single(records, "www.example.com", RecordType.AAAA);
        Assert.Equal((300u, IPAddress.Parse("2001:db8::10")), (aaaa.Ttl, ((AaaaRecord)aaaa.Data).Address));
        Assert.Equal(3600u, Single(records, "mail.example.com", RecordType.A).Ttl);
        Assert.Equal(new CnameRecord(DnsName.Parse("www.example.com")), Single(records, "alias.example.com", RecordType.CNAME).Data);
        Assert.Equal(new DnameRecord(DnsName.Parse("example.net")), Single(records, "redirect.example.com", RecordType.DNAME).Data);
        Assert.Equal(new PtrRecord(DnsName.Parse("www.example.com")), Single(records, "4.2.0.192.in-addr.arpa", RecordType.PTR).Data);
        var txt = (TxtRecord)Single(records, "txt.example.com", RecordType.TXT).Data;
        Assert.Equal(["hello world", "with \"quotes\", a \\ and A;", "unquoted"], txt.Strings.Select(s => Encoding.UTF8.GetString(s)));
        Assert.Equal(new SrvRecord(10, 60, 5060, DnsName.Parse("sip.example.com")), Single(records, "_sip._tcp.example.com", RecordType.SRV).Data);
        Assert.Equal(new NaptrRecord(100, 10, "U", "E2U+sip", "!^.*$!sip:info@example.com!", DnsName.Root), Single(records, "naptr.example.com", RecordType.NAPTR).Data);
        Assert.Equal(new CaaRecord(0, "issue", "letsencrypt.org"), Single(records, "example.com", RecordType.CAA).Data);
        Assert.Equal(new HinfoRecord("PC-Intel-700mhz", "Debian GNU/Linux"), Single(records, "host.example.com", RecordType.HINFO).Data);
        Assert.Equal(new UnknownRecord((RecordType)65280, [10, 0, 0, 1]), Single(records, "unknown.example.com", (RecordType)65280).Data);
        Assert.Equal(new ARecord("192.0.2.99"), Single(records, "generic-a.example.com", RecordType.A).Data);
        Assert.Equal(new ARecord("192.0.2.99"), Single(records, "*.wild.example.com", RecordType.A).Data);
    }

    [Fact]
    public void GenericFormOfAKnownTypeIsDecoded()
    {
        var records = Parse("$TTL 60\n@ SOA ns h 1 2 3 4 5\nx A \\# 4 C0000263\ny TYPE15 \\# 8 000a 04 6d61696c 00\n");
        Assert.Equal(new ARecord("192.0.2.99"), records[1].Data);
        Assert.Equal(new MxRecord(10, DnsName.Parse("mail")), records[2].Data);
    }

    [Fact]
    public void TtlAndClassComeInEitherOrderAndAreOptional()
    {
        var records = Parse("$TTL 100\n@ SOA ns h 1 2 3 4 5\na 5 IN A 192.0.2.1\nb IN 6 A 192.0.2.2\nc IN A 192.0.2.3\nd 1w2d3h4m5s A 192.0.2.4\ne 1H A 192.0.2.5\n");
        Assert.Equal([100u, 5u, 6u, 100u, 788645u, 3600u], records.Select(r => r.Ttl));
        Assert.All(records, r => Assert.Equal(DnsClass.IN, r.Class));
    }

    [Fact]
    public void WithoutTtlDirectiveTheLastTtlCarriesOver()
    {
        var records = Parse("@ 500 SOA ns h 1 2 3 4 5\na A 192.0.2.1\nb 7 A 192.0.2.2\nc A 192.0.2.3\n");
        Assert.Equal([500u, 500u, 7u, 7u], records.Select(r => r.Ttl));
    }

    [Fact]
    public void OriginChangesAndRelativeNamesFollowIt()
    {
        var records = Parse("$TTL 1\n@ SOA ns h 1 2 3 4 5\n$ORIGIN sub\nwww A 192.0.2.1\n@ A 192.0.2.2\n$ORIGIN other.org.\nx CNAME @\n");
        Assert.Equal(DnsName.Parse("www.sub.example.com"), records[1].Name);
        Assert.Equal(DnsName.Parse("sub.example.com"), records[2].Name);
        Assert.Equal(new CnameRecord(DnsName.Parse("other.org")), records[3].Data);
        Assert.Equal(DnsName.Parse("x.other.org"), records[3].Name);
    }

    [Fact]
    public void EscapesInNamesAndCommentsInsideQuotes()
    {
        var records = Parse("$TTL 1\n@ SOA ns h 1 2 3 4 5\nsemi\\;colon TXT \"a ; not a comment\" ; a comment\nspace\\032name TXT ( \"multi\"\n  \"line\" )\n");
        Assert.Equal(@"semi\;colon.example.com", records[1].Name.ToString());
        Assert.Equal("a ; not a comment", Encoding.UTF8.GetString(((TxtRecord)records[1].Data).Strings[0]));
        Assert.Equal(@"space\032name.example.com", records[2].Name.ToString());
        Assert.Equal(2, ((TxtRecord)records[2].Data).Strings.Count);
    }

    [Fact]
    public void IncludeIsRelativeToTheIncludingFileWithAnOptionalOrigin()
    {
        var dir = Directory.CreateTempSubdirectory("zone-include").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "parts"));
            File.WriteAllText(Path.Combine(dir, "main.zone"), "$ORIGIN example.com.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n$INCLUDE parts/hosts.inc\n$INCLUDE parts/hosts.inc lab\nafter A 192.0.2.9\n");
            File.WriteAllText(Path.Combine(dir, "parts", "hosts.inc"), "; hosts\nhost A 192.0.2.1\n$ORIGIN elsewhere.example.com.\nchanged A 192.0.2.2\n");
            var records = ZoneFileParser.ParseFile(Path.Combine(dir, "main.zone"));
            Assert.Equal(
                ["example.com", "host.example.com", "changed.elsewhere.example.com", "host.lab.example.com", "changed.elsewhere.example.com", "after.example.com"],
                records.Select(r => r.Name.ToString()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void IncludeLoopsAreRefused()
    {
        var dir = Directory.CreateTempSubdirectory("zone-loop").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.zone"), "$ORIGIN example.com.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n$INCLUDE b.inc\n");
            File.WriteAllText(Path.Combine(dir, "b.inc"), "x A 192.0.2.1\n\n$INCLUDE a.zone\n");
            var e = Assert.Throws<ZoneFileException>(() => ZoneFileParser.ParseFile(Path.Combine(dir, "a.zone")));
            Assert.Equal("b.inc", e.FileName);
            Assert.Equal(3, e.Line);
            Assert.Contains("loop", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 4 5\nwww IN AAA 192.0.2.1\n", 3, "unknown type 'AAA'")]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 4 5\n\nwww A 192.0.2.256\n", 4, "not an IPv4 address")]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 4 5\nwww A 1\n", 3, "not an IPv4 address")]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 4 5\nwww AAAA 192.0.2.1\n", 3, "not an IPv6 address")]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 ( 4\n5\n", 2, "never closed")]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 4 5 )\n", 2, "')' without '('")]
    [InlineData("$TTL 1\n@ SOA ns h 1 2 3 4 5\nt TXT \"open\n", 3, "unterminated quoted string")]
    [InlineData("@ SOA ns h 1 2 3 4 5\na 1 A 192.0.2.1\n$FOO bar\n", 3, "unknown directive")]
    [InlineData("a A 192.0.2.1\n", 1, "no TTL")]
    [InlineData("$TTL 1\n A 192.0.2.1\n", 2, "blank owner")]
    [InlineData("$TTL 1\nx MX 10\n", 2, "MX takes 2 field(s)")]
    [InlineData("$TTL 1\nx MX 70000 mail\n", 2, "MX preference '70000'")]
    [InlineData("$TTL 1\nx TYPE999 \\# 3 0a0b\n", 2, "says 3 bytes but the data has 2")]
    [InlineData("$TTL 1\nx TYPE999 \\# 2 0g0b\n", 2, "not hexadecimal")]
    [InlineData("$TTL 1\nx DS 1 2 3 abcd\n", 2, "generic syntax")]
    [InlineData("$TTL 1\nx TXT \"\\999\"\n", 2, "not a byte")]
    [InlineData("$TTL 1\nx CNAME a..b\n", 2, "empty label")]
    [InlineData("$TTL 1\n$GENERATE 1-10 h$ A 192.0.2.$\n", 2, "$GENERATE is not supported")]
    [InlineData("$TTL 1\n$INCLUDE nothing-here.zone\n", 2, "no such file")]
    public void ErrorsNameTheFileAndLine(string text, int line, string reason)
    {
        var e = Assert.Throws<ZoneFileException>(() => Parse(text));
        Assert.Equal("test.zone", e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"test.zone:{line}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsAndNamesThatAreTooLongAreErrors()
    {
        var longLabel = new string('a', 64);
        var e = Assert.Throws<ZoneFileException>(() => Parse($"$TTL 1\n{longLabel} A 192.0.2.1\n"));
        Assert.Equal(2, e.Line);
        var longName = string.Join('.', Enumerable.Repeat(new string('b', 60), 5));
        Assert.Throws<ZoneFileException>(() => Parse($"$TTL 1\n{longName}. A 192.0.2.1\n"));
    }

    [Fact]
    public void MissingFileIsAnErrorNamingIt()
    {
        var e = Assert.Throws<ZoneFileException>(() => ZoneFileParser.ParseFile("/nonexistent/zone.db"));
        Assert.Contains("/nonexistent/zone.db", e.Message, StringComparison.Ordinal);
        Assert.Contains("no such file", e.Message, StringComparison.Ordinal);
    }
}
