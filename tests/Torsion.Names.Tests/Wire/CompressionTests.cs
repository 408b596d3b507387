using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

/// <summary>Name compression on write: the expected bytes, and where RFC 3597 forbids it.</summary>
public sealed class CompressionTests
{
    [Fact]
    public void Rfc1035ExampleCompressesAsTheRfcDraws()
    {
        // RFC 1035 §4.1.4: F.ISI.ARPA in full, FOO.F.ISI.ARPA as FOO and a pointer to it, ARPA as a
        // pointer into its middle, the root as one zero byte. Here F.ISI.ARPA starts at 12 (the
        // question), so ARPA is at 18.
        var message = new DnsMessage
        {
            Id = 0x0102,
            IsResponse = true,
            Queries = [new DnsQuery("F.ISI.ARPA", RecordType.A)],
            Answers = [new ResourceRecord("FOO.F.ISI.ARPA", new NsRecord("ARPA"), 0x10)],
            Additional = [new ResourceRecord(DnsName.Root, new UnknownRecord((RecordType)65280, []))],
        };
        byte[] expected =
        [
            0x01, 0x02, 0x80, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
            // 12: F.ISI.ARPA, A, IN
            0x01, (byte)'F', 0x03, (byte)'I', (byte)'S', (byte)'I', 0x04, (byte)'A', (byte)'R', (byte)'P', (byte)'A', 0x00,
            0x00, 0x01, 0x00, 0x01,
            // 28: FOO + pointer to 12, NS, IN, TTL 16, RDLENGTH 2, pointer to 18 (ARPA)
            0x03, (byte)'F', (byte)'O', (byte)'O', 0xC0, 0x0C,
            0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x02, 0xC0, 0x12,
            // the root: a zero byte, never a pointer
            0x00, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(message.ToBytes()));
        Assert.Equal(message, DnsMessage.Parse(expected));
    }

    [Fact]
    public void CompressionKeepsEachNamesCase()
    {
        var message = new DnsMessage
        {
            Queries = [new DnsQuery("Example.COM", RecordType.A)],
            Answers =
            [
                new ResourceRecord("www.example.com", new ARecord("192.0.2.1")),
                new ResourceRecord("www.Example.COM", new ARecord("192.0.2.2")),
            ],
        };
        var bytes = message.ToBytes();
        // The first answer spells example.com differently, so it goes in full; the second points at the question.
        Assert.Equal("03777777076578616D706C6503636F6D00", Convert.ToHexString(bytes, 29, 17));
        Assert.Equal("03777777C00C", Convert.ToHexString(bytes, 29 + 17 + 14, 6));
        var parsed = DnsMessage.Parse(bytes);
        Assert.Equal("www.example.com", parsed.Answers[0].Name.ToString());
        Assert.Equal("www.Example.COM", parsed.Answers[1].Name.ToString());
    }

    public static TheoryData<string> CompressedInRdata() => ["NS", "CNAME", "PTR", "MX", "SOA"];

    [Theory]
    [MemberData(nameof(CompressedInRdata))]
    public void WellKnownTypesOfRfc1035AreCompressedInRdata(string type)
    {
        var rdata = RdataOf(type);
        Assert.True(rdata.AsSpan().IndexOf((byte)0xC0) >= 0, $"{type} RDATA {Convert.ToHexString(rdata)} has no pointer");
    }

    public static TheoryData<string> NeverCompressedInRdata() => ["SRV", "NAPTR", "DNAME"];

    [Theory]
    [MemberData(nameof(NeverCompressedInRdata))]
    public void LaterTypesAreNeverCompressedInRdata(string type)
    {
        var rdata = RdataOf(type);
        Assert.True(rdata.AsSpan().EndsWith("\u0007example\u0003com\0"u8), $"{type} RDATA {Convert.ToHexString(rdata)} does not end in the full name");
    }

    // The RDATA of a record of `type` whose names are all example.com, after a question for example.com.
    private static byte[] RdataOf(string type)
    {
        DnsName name = "example.com";
        RecordData data = type switch
        {
            "NS" => new NsRecord(name),
            "CNAME" => new CnameRecord(name),
            "PTR" => new PtrRecord(name),
            "MX" => new MxRecord(1, name),
            "SOA" => new SoaRecord(name, name, 1, 2, 3, 4, 5),
            "SRV" => new SrvRecord(1, 2, 3, name),
            "NAPTR" => new NaptrRecord(1, 2, "", "", "", name),
            "DNAME" => new DnameRecord(name),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        var message = new DnsMessage { Queries = [new DnsQuery(name, data.Type)], Answers = [new ResourceRecord(name, data)] };
        var bytes = message.ToBytes();
        var question = 12 + 13 + 4;
        var rdataAt = question + 2 + 10; // owner is a pointer
        Assert.Equal(new byte[] { 0xC0, 0x0C }, bytes[question..(question + 2)]);
        var length = (bytes[rdataAt - 2] << 8) | bytes[rdataAt - 1];
        Assert.Equal(bytes.Length, rdataAt + length);
        return bytes[rdataAt..];
    }
}
