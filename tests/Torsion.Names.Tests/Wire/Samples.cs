using System.Net;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

/// <summary>One record of every kind, for the round-trip tests and as seeds of the fuzz test.</summary>
public static class Samples
{
    public static readonly ResourceRecord[] Records =
    [
        new("example.com", new ARecord("192.0.2.1"), 300),
        new("example.com", new AaaaRecord("2001:db8::1"), 300),
        new("Example.COM", new NsRecord("ns1.example.com"), 86400),
        new("www.example.com", new CnameRecord("example.com"), 60),
        new("old.example.com", new DnameRecord("new.example.com"), 60),
        new("example.com", new SoaRecord("ns1.example.com", "hostmaster.example.com", 2024010101, 7200, 3600, 1209600, 300), 3600),
        new("1.2.0.192.in-addr.arpa", new PtrRecord("host.example.com"), 300),
        new("example.com", new MxRecord(10, "mail.example.com"), 300),
        new("example.com", new TxtRecord("v=spf1 -all", "", "a \"quoted\" string"), 300),
        new("example.com", new TxtRecord([new string('x', 255)]), 300),
        new("_sip._tcp.example.com", new SrvRecord(5, 20, 5060, "sip.example.com"), 300),
        new("example.com", new NaptrRecord(100, 10, "u", "E2U+sip", "!^.*$!sip:info@example.com!", DnsName.Root), 300),
        new("example.com", new CaaRecord(128, "issue", "letsencrypt.org"), 300),
        new("example.com", new HinfoRecord("x86-64", "Linux"), 300),
        new("example.com", new UnknownRecord(RecordType.DS, [0x12, 0x34, 8, 2, 0xAB, 0xCD]), 300),
        new("example.com", new UnknownRecord((RecordType)65280, [1, 2, 3, 0xC0, 0x0C]), 0),
        new("example.com", new UnknownRecord((RecordType)65281, []), 0),
        new("version.bind", new TxtRecord("Torsion"), 0, DnsClass.CH),
        new("host.example.com", new UnknownRecord(RecordType.A, [0, 1, 0xC0, 0x0C]), 0, DnsClass.CH),
        new("example.com", new UnknownRecord(RecordType.A, []), 0, DnsClass.ANY),
        new(@"we\.ird\\name\000\255.example", new ARecord(IPAddress.Loopback), uint.MaxValue),
    ];

    public static DnsMessage Message(ResourceRecord answer) => new()
    {
        Id = 0xBEEF,
        IsResponse = true,
        IsAuthoritative = true,
        RecursionDesired = true,
        Queries = [new DnsQuery(answer.Name, answer.Type, answer.Class)],
        Answers = [answer],
    };

    public static DnsMessage Everything() => new()
    {
        Id = 1,
        IsResponse = true,
        OpCode = OpCode.Query,
        IsAuthoritative = true,
        IsTruncated = true,
        RecursionDesired = true,
        RecursionAvailable = true,
        AuthenticData = true,
        CheckingDisabled = true,
        ResponseCode = ResponseCode.BadCookie,
        Queries = [new DnsQuery("example.com", RecordType.ANY), new DnsQuery("example.com", RecordType.AXFR, DnsClass.ANY)],
        Answers = Records[..10],
        Authority = Records[10..15],
        Additional = Records[15..],
        Edns = new Edns { UdpPayloadSize = 4096, Version = 0, DnssecOk = true, Options = [new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8]), new EdnsOption(12, [])] },
    };
}
