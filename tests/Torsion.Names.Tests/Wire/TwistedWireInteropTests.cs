using System.Globalization;
using System.Net;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

/// <summary>
/// The wire format against a peer no one here wrote, twisted.names.dns: Twisted encodes and Torsion
/// parses, field by field; Torsion encodes and Twisted parses and prints the fields.
/// </summary>
public sealed class TwistedWireInteropTests
{
    private static Dictionary<string, DnsMessage> TwistedCases() =>
        TwistedDns.Call("make").Select(l => l.Split(' ')).ToDictionary(p => p[1], p => DnsMessage.Parse(Convert.FromHexString(p[2])));

    [Fact]
    public void TorsionParsesEveryTypeTwistedWrites()
    {
        var m = TwistedCases()["all-types"];
        var expected = new DnsMessage
        {
            Id = 0x1234, IsResponse = true, IsAuthoritative = true, RecursionDesired = true, RecursionAvailable = true,
            Queries = [new DnsQuery("example.com", RecordType.ANY)],
            Answers =
            [
                new("example.com", new ARecord("192.0.2.1"), 300),
                new("example.com", new AaaaRecord("2001:db8::1"), 300),
                new("example.com", new NsRecord("ns1.example.com"), 300),
                new("www.example.com", new CnameRecord("example.com"), 300),
                new("example.com", new SoaRecord("ns1.example.com", "hostmaster.example.com", 2024010101, 7200, 3600, 1209600, 300), 300),
                new("1.2.0.192.in-addr.arpa", new PtrRecord("example.com"), 300),
                new("example.com", new MxRecord(10, "mail.example.com"), 300),
                new("example.com", new TxtRecord("v=spf1 -all", "second string", ""), 300),
                new("_sip._tcp.example.com", new SrvRecord(5, 20, 5060, "sip.example.com"), 300),
                new("example.com", new NaptrRecord(100, 10, "u", "E2U+sip", "!^.*$!sip:info@example.com!", DnsName.Root), 300),
                new("example.com", new HinfoRecord("x86-64", "Linux"), 300),
                new("old.example.com", new DnameRecord("new.example.com"), 300),
            ],
            Authority = [new("example.com", new NsRecord("ns2.example.com"), 86400)],
            Additional = [new("ns1.example.com", new ARecord("192.0.2.53"), 0)],
        };
        // Field by field first, so that a difference names its record.
        Assert.Equal(expected.Answers.Count, m.Answers.Count);
        for (var i = 0; i < expected.Answers.Count; i++) Assert.Equal(expected.Answers[i], m.Answers[i]);
        Assert.Equal(expected, m);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), ((ARecord)m.Answers[0].Data).Address);
    }

    [Fact]
    public void TorsionParsesTwistedsOtherMessages()
    {
        var cases = TwistedCases();

        var nx = cases["nxdomain"];
        Assert.Equal(ResponseCode.NXDomain, nx.ResponseCode);
        Assert.True(nx.IsAuthoritative);
        Assert.Equal(new SoaRecord("a.example.org", "b.example.org", 1, 2, 3, 4, 5), nx.Authority.Single().Data);

        var chaos = cases["chaos-query"];
        Assert.Equal(new DnsQuery("version.bind", RecordType.TXT, DnsClass.CH), chaos.Queries.Single());
        Assert.Equal(65535, chaos.Id);
        Assert.False(chaos.IsResponse);

        var unknown = cases["unknown-types"];
        Assert.Equal(new CaaRecord(0, "issue", "letsencrypt.org"), unknown.Answers[0].Data);
        Assert.Equal(new UnknownRecord((RecordType)65280, [1, 2, 3, 0xC0, 0x0C]), unknown.Answers[1].Data);

        var edns = cases["edns-options"];
        Assert.Equal(ResponseCode.BadVers, edns.ResponseCode); // extended RCODE 1, header 0
        Assert.Equal(new Edns { UdpPayloadSize = 1232, DnssecOk = true, Options = [new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8])] }, edns.Edns);
        Assert.Empty(edns.Additional);
    }

    [Fact]
    public void TwistedParsesWhatTorsionWrites()
    {
        // CAA and the raw types go as Twisted's UnknownRecord; names Twisted prints plainly. Left out: an
        // A record in class CH, which Twisted wrongly reads as IN's format (RFC 3597 §5 says opaque).
        var records = Samples.Records
            .Where(r => !r.Name.ToString().Contains('\\', StringComparison.Ordinal) && r.Data is not UnknownRecord { Type: RecordType.A })
            .ToArray();
        var messages = new List<DnsMessage>(records.Select(Samples.Message))
        {
            Samples.Everything() with { Answers = records[..10], Authority = records[10..15], Additional = records[15..] },
            new() { Id = 3, OpCode = OpCode.Notify, ResponseCode = ResponseCode.Refused, Queries = [new DnsQuery("example.com", RecordType.SOA)] },
        };
        var printed = TwistedDns.Call(["read", .. messages.Select(m => Convert.ToHexStringLower(m.ToBytes()))]);
        var expected = messages.SelectMany(Describe).ToList();
        for (var i = 0; i < Math.Min(expected.Count, printed.Count); i++) Assert.Equal(expected[i], printed[i]);
        Assert.Equal(expected.Count, printed.Count);
    }

    // The lines twisted_dns.py's "read" prints for a message.
    private static IEnumerable<string> Describe(DnsMessage m)
    {
        static int B(bool b) => b ? 1 : 0;
        yield return $"header id={m.Id} answer={B(m.IsResponse)} opCode={(int)m.OpCode} auth={B(m.IsAuthoritative)} trunc={B(m.IsTruncated)} "
            + $"recDes={B(m.RecursionDesired)} recAv={B(m.RecursionAvailable)} authenticData={B(m.AuthenticData)} "
            + $"checkingDisabled={B(m.CheckingDisabled)} rCode={(int)m.ResponseCode}";
        if (m.Edns is { } e) yield return $"edns version={e.Version} dnssecOK={B(e.DnssecOk)} maxSize={e.UdpPayloadSize}";
        foreach (var q in m.Queries) yield return $"query {q.Name} {(int)q.Type} {(int)q.Class}";
        foreach (var (section, records) in new[] { ("answers", m.Answers), ("authority", m.Authority), ("additional", m.Additional) })
        {
            foreach (var r in records) yield return $"{section} {r.Name} {(int)r.Type} {(int)r.Class} {r.Ttl} {Payload(r.Data)}";
        }
        yield return "end";
    }

    private static string Payload(RecordData data)
    {
        static string Hex(byte[] b) => Convert.ToHexStringLower(b);
        return data switch
        {
            ARecord a => a.Address.ToString(),
            AaaaRecord a => a.Address.ToString(),
            NsRecord r => r.Name.ToString(),
            CnameRecord r => r.Name.ToString(),
            PtrRecord r => r.Name.ToString(),
            DnameRecord r => r.Name.ToString(),
            SoaRecord s => string.Create(CultureInfo.InvariantCulture, $"{s.MName} {s.RName} {s.Serial} {s.Refresh} {s.Retry} {s.Expire} {s.Minimum}"),
            MxRecord mx => $"{mx.Preference} {mx.Exchange}",
            TxtRecord t => string.Join(',', t.Strings.Select(Hex)),
            SrvRecord s => $"{s.Priority} {s.Weight} {s.Port} {s.Target}",
            NaptrRecord n => $"{n.Order} {n.Preference} {Hex(n.Flags)} {Hex(n.Service)} {Hex(n.Regexp)} {n.Replacement}",
            HinfoRecord h => $"{Hex(h.Cpu)} {Hex(h.Os)}",
            CaaRecord c => Hex([c.Flags, (byte)c.Tag.Length, .. c.Tag, .. c.Value]),
            UnknownRecord u => Hex(u.Data),
            _ => throw new ArgumentOutOfRangeException(nameof(data)),
        };
    }
}
