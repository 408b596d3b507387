using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

/// <summary>parse(write(m)) == m for every kind of record and for whole messages.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<int> RecordIndexes() => [.. Enumerable.Range(0, Samples.Records.Length)];

    [Theory]
    [MemberData(nameof(RecordIndexes))]
    public void EachRecordRoundTrips(int index)
    {
        var message = Samples.Message(Samples.Records[index]);
        var parsed = DnsMessage.Parse(message.ToBytes());
        Assert.Equal(message, parsed);
        Assert.Equal(message.Answers[0].Data, parsed.Answers[0].Data);
        Assert.Equal(message.Answers[0].Data.GetType(), parsed.Answers[0].Data.GetType());
        // The owner's case survives the trip even though equality ignores it.
        Assert.Equal(message.Answers[0].Name.ToString(), parsed.Answers[0].Name.ToString());
    }

    [Fact]
    public void EveryFieldOfAMessageRoundTrips()
    {
        var message = Samples.Everything();
        var bytes = message.ToBytes();
        var parsed = DnsMessage.Parse(bytes);
        Assert.Equal(message, parsed);
        Assert.Equal(ResponseCode.BadCookie, parsed.ResponseCode);
        Assert.Equal(0x7, bytes[3] & 0xF); // 23 = 1 << 4 | 7: the low bits in the header
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void UnknownRecordsKeepTheirBytesExactly()
    {
        // A private type whose data looks like a compression pointer: RFC 3597 says it is opaque.
        var data = new byte[] { 0xC0, 0x0C, 0x00, 0x01, 0xFF };
        var message = Samples.Message(new ResourceRecord("example.com", new UnknownRecord((RecordType)65534, data)));
        var bytes = message.ToBytes();
        Assert.True(bytes.AsSpan().EndsWith(data));
        var parsed = DnsMessage.Parse(bytes);
        Assert.Equal(data, ((UnknownRecord)parsed.Answers[0].Data).Data);
    }

    [Fact]
    public void AResponseCodeAboveFifteenNeedsEdns()
    {
        var message = new DnsMessage { ResponseCode = ResponseCode.BadVers };
        Assert.Throws<InvalidOperationException>(() => message.ToBytes());
        var parsed = DnsMessage.Parse((message with { Edns = new Edns() }).ToBytes());
        Assert.Equal(ResponseCode.BadVers, parsed.ResponseCode);
    }

    [Fact]
    public void TryWriteSaysWhenItDoesNotFit()
    {
        var message = Samples.Everything();
        var size = message.ToBytes().Length;
        Assert.False(message.TryWrite(new byte[size - 1], out _));
        Assert.True(message.TryWrite(new byte[size], out var written));
        Assert.Equal(size, written);
    }

    [Fact]
    public void WriteTruncatedKeepsWholeRecordsAndTheOptAndSetsTc()
    {
        var answers = Enumerable.Range(0, 100).Select(i => new ResourceRecord("many.example.com", new ARecord($"10.0.0.{i}"), 60)).ToArray();
        var message = new DnsMessage
        {
            Id = 9, IsResponse = true,
            Queries = [new DnsQuery("many.example.com", RecordType.A)],
            Answers = answers,
            Edns = new Edns { UdpPayloadSize = 512 },
        };
        var buffer = new byte[512];
        var length = message.WriteTruncated(buffer);
        Assert.True(length <= 512);
        var parsed = DnsMessage.Parse(buffer.AsSpan(0, length));
        Assert.True(parsed.IsTruncated);
        Assert.NotNull(parsed.Edns);
        Assert.InRange(parsed.Answers.Count, 1, 99);
        Assert.Equal(answers.Take(parsed.Answers.Count), parsed.Answers);

        // Whole, it fits in a bigger buffer without TC.
        var big = new byte[4096];
        var whole = DnsMessage.Parse(big.AsSpan(0, message.WriteTruncated(big)));
        Assert.False(whole.IsTruncated);
        Assert.Equal(100, whole.Answers.Count);
    }

    [Fact]
    public void AdditionalRecordsThatDoNotFitAreDroppedWithoutTc()
    {
        var message = new DnsMessage
        {
            IsResponse = true,
            Answers = [new ResourceRecord("a.example", new ARecord("192.0.2.1"))],
            Additional = Enumerable.Range(0, 50).Select(i => new ResourceRecord($"glue{i}.example", new ARecord("192.0.2.2"))).ToArray(),
        };
        var buffer = new byte[200];
        var parsed = DnsMessage.Parse(buffer.AsSpan(0, message.WriteTruncated(buffer)));
        Assert.False(parsed.IsTruncated);
        Assert.Single(parsed.Answers);
        Assert.InRange(parsed.Additional.Count, 1, 49);
    }

    [Fact]
    public void WritingIntoASpanAllocatesNothing()
    {
        var message = Samples.Everything();
        var buffer = new byte[DnsMessage.MaxLength];
        Assert.True(message.TryWrite(buffer, out _)); // warm up (JIT, statics)
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) message.TryWrite(buffer, out _);
        var truncated = message.WriteTruncated(buffer.AsSpan(0, 300));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(truncated <= 300);
    }

    [Fact]
    public void WriteToABufferWriterWritesTheSameBytes()
    {
        var message = Samples.Everything();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var written = message.WriteTo(output);
        Assert.Equal(message.ToBytes(), output.WrittenSpan.ToArray());
        Assert.Equal(written, output.WrittenCount);
    }
}
