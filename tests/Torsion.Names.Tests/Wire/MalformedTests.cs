using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

/// <summary>Every kind of malformed input fails with <see cref="DnsFormatException"/>, and only that.</summary>
public sealed class MalformedTests
{
    // A header: id 1, flags 0, then the four counts.
    private static byte[] Header(int qd, int an = 0, int ns = 0, int ar = 0) =>
        [0, 1, 0, 0, 0, (byte)qd, 0, (byte)an, 0, (byte)ns, 0, (byte)ar];

    private static readonly byte[] ExampleCom = [7, .. "example"u8, 3, .. "com"u8, 0];

    private static byte[] Question(byte[] name) => [.. name, 0, 1, 0, 1];

    private static DnsFormatException Rejects(byte[] packet, string because)
    {
        var e = Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(packet));
        Assert.True(e.Message.Contains(because, StringComparison.OrdinalIgnoreCase), $"expected \"{because}\" in: {e.Message}");
        return e;
    }

    [Fact]
    public void TheValidBaseParses()
    {
        // The cases below differ from this one by the fault they test.
        Assert.Single(DnsMessage.Parse([.. Header(1), .. Question(ExampleCom)]).Queries);
    }

    [Fact]
    public void ShorterThanAHeader() => Rejects([0, 1, 0, 0, 0], "at least 12");

    [Fact]
    public void EveryTruncationOfAValidMessageIsRejected()
    {
        var whole = Samples.Everything().ToBytes();
        for (var length = 0; length < whole.Length; length++)
        {
            Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(whole.AsSpan(0, length)));
        }
    }

    [Fact]
    public void CountsThatExceedThePacket()
    {
        Rejects([.. Header(1, an: 200), .. Question(ExampleCom)], "exceed");
        Rejects([.. Header(0, 0, 0, 0xFF), .. Question(ExampleCom)], "exceed");
        // Plausible counts that still run out: a second question that is not there.
        Rejects([.. Header(2), .. Question(ExampleCom), 1, (byte)'a', 0, 0, 1], "truncated");
    }

    [Fact]
    public void TrailingBytesAfterTheLastRecord() => Rejects([.. Header(1), .. Question(ExampleCom), 0], "follow the last record");

    [Fact]
    public void LabelsOverSixtyThreeBytes()
    {
        // 64 is 0x40: the top bits 01 are an (obsolete) extended label type, not a length.
        Rejects([.. Header(1), .. Question([64, .. new byte[64], 0])], "at most 63");
        Rejects([.. Header(1), .. Question([0x80, .. new byte[10], 0])], "at most 63");
    }

    [Fact]
    public void NamesOverTwoHundredFiftyFiveBytes()
    {
        // Four 63-byte labels are 256 bytes with their lengths, 257 with the root.
        byte[] label = [63, .. Enumerable.Repeat((byte)'a', 63)];
        Rejects([.. Header(1), .. Question([.. label, .. label, .. label, .. label, 0])], "longer than 255");
        // Exactly 255 is fine: three 63-byte labels and one of 61.
        byte[] last = [61, .. Enumerable.Repeat((byte)'b', 61)];
        var parsed = DnsMessage.Parse([.. Header(1), .. Question([.. label, .. label, .. label, .. last, 0])]);
        Assert.Equal(255, parsed.Queries[0].Name.WireLength);
    }

    [Fact]
    public void NamesOverTwoHundredFiftyFiveBytesThroughPointers()
    {
        // 200 bytes of labels in the question; the answer adds 60 more and points back.
        byte[] label = [49, .. Enumerable.Repeat((byte)'a', 49)];
        byte[] first = [.. label, .. label, .. label, .. label, 0];
        Rejects([.. Header(1, an: 1), .. Question(first), 59, .. new byte[59], 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4], "longer than 255");
    }

    [Fact]
    public void CompressionPointerLoops()
    {
        // A name that is a pointer to itself, and two that point at each other.
        Rejects([.. Header(1), 0xC0, 12, 0, 1, 0, 1], "loop or a forward pointer");
        Rejects([.. Header(1, an: 1), .. Question([1, (byte)'a', 0xC0, 29]), 1, (byte)'b', 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], "loop or a forward pointer");
    }

    [Fact]
    public void ForwardPointers()
    {
        // The question's name points at the answer's owner, later in the message.
        Rejects([.. Header(1, an: 1), 0xC0, 18, 0, 1, 0, 1, .. ExampleCom, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4], "forward pointer");
        // A pointer into its own name's earlier labels is a loop: "a" then back to "a".
        Rejects([.. Header(1), 1, (byte)'a', 0xC0, 12, 0, 1, 0, 1], "loop");
    }

    [Fact]
    public void PointersOutOfBounds()
    {
        Rejects([.. Header(1), 0xFF, 0xFF, 0, 1, 0, 1], "does not point before");
        Rejects([.. Header(1, an: 1), .. Question(ExampleCom), 0xC0], "truncated: a compression pointer");
        Rejects([.. Header(1, an: 1), .. Question(ExampleCom), 0xC0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4], "into the header");
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(127, true)]
    [InlineData(128, false)]
    [InlineData(1000, false)]
    public void PointerChainsAreBounded(int pointers, bool parses)
    {
        // An opaque record holds the root (at 23) and a chain of pointers, each to the one before;
        // the next record's owner points at the last. Legal but useless past a few: capped at 127.
        var rdata = new List<byte> { 0 };
        for (var i = 0; i < pointers - 1; i++)
        {
            var target = 23 + (i == 0 ? 0 : 1 + 2 * (i - 1));
            rdata.AddRange([(byte)(0xC0 | (target >> 8)), (byte)target]);
        }
        var last = 23 + (pointers == 1 ? 0 : 1 + 2 * (pointers - 2));
        byte[] packet =
        [
            .. Header(0, 2), 0, 0xFF, 0, 0, 1, 0, 0, 0, 0, (byte)(rdata.Count >> 8), (byte)rdata.Count, .. rdata,
            (byte)(0xC0 | (last >> 8)), (byte)last, 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        ];
        if (parses) Assert.True(DnsMessage.Parse(packet).Answers[1].Name.IsRoot);
        else Rejects(packet, "more than 127 compression pointers");
    }

    [Fact]
    public void ATruncatedPointerAtTheEnd() =>
        Rejects([.. Header(1), 7, .. "example"u8, 0xC0], "truncated: a compression pointer");

    [Fact]
    public void RdlengthLongerThanTheData()
    {
        // An A record claiming 5 bytes.
        Rejects([.. Answer(0, 1, [1, 2, 3, 4, 5])], "RDLENGTH is 4");
        // An MX whose name ends before RDLENGTH.
        Rejects([.. Answer(0, 15, [0, 10, 0, 0xFF])], "longer than its data");
        // An NS whose name runs past RDLENGTH into the next bytes.
        Rejects([.. Header(0, 1), .. ExampleCom, 0, 2, 0, 1, 0, 0, 0, 0, 0, 2, 1, (byte)'a', 0], "longer than its RDLENGTH");
    }

    [Fact]
    public void RdlengthPastTheMessage() => Rejects([.. Header(0, 1), .. ExampleCom, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1, 2, 3, 4], "past the end");

    [Fact]
    public void RdataShorterThanTheType()
    {
        Rejects(Answer(0, 28, [1, 2, 3, 4]), "RDLENGTH is 16");
        Rejects(Answer(0, 6, [0, 0, 0, 0, 0]), "longer than its RDLENGTH");
        Rejects(Answer(0, 16, [5, (byte)'a']), "longer than its RDLENGTH");
        Rejects(Answer(0, 16, []), "longer than its RDLENGTH");
        Rejects(Answer(0, 257, [0, 0]), "empty tag");
        Rejects(Answer(0, 33, [0, 1, 0, 2]), "longer than its RDLENGTH");
        Rejects(Answer(0, 13, [3, (byte)'c', (byte)'p', (byte)'u']), "longer than its RDLENGTH");
    }

    [Fact]
    public void OptRules()
    {
        byte[] opt = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0];
        Assert.NotNull(DnsMessage.Parse([.. Header(0, ar: 1), .. opt]).Edns);
        Rejects([.. Header(0, ar: 2), .. opt, .. opt], "more than one OPT");
        Rejects([.. Header(0, an: 1), .. opt], "OPT record in the answer");
        Rejects([.. Header(0, ar: 1), 1, (byte)'x', 0, .. opt[1..]], "not the root");
        Rejects([.. Header(0, ar: 1), .. opt[..^2], 0, 3, 0, 10, 0], "longer than its RDLENGTH");
    }

    [Fact]
    public void PresentationFormErrorsAreTheSameException()
    {
        Assert.Throws<DnsFormatException>(() => DnsName.Parse("a..b"));
        Assert.Throws<DnsFormatException>(() => DnsName.Parse(new string('a', 64) + ".com"));
        Assert.Throws<DnsFormatException>(() => DnsName.Parse(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))));
        Assert.Throws<DnsFormatException>(() => DnsName.Parse(@"a\25"));
        Assert.Throws<DnsFormatException>(() => DnsName.Parse(@"a\256"));
        Assert.Throws<DnsFormatException>(() => DnsName.Parse(@"a\"));
        Assert.Throws<DnsFormatException>(() => DnsName.Parse(".a"));
    }

    // A message with one answer of `type` (class IN) owned by the root, with `rdata` and its true length.
    private static byte[] Answer(int ar, int type, byte[] rdata) =>
        [.. Header(0, 1, 0, ar), 0, (byte)(type >> 8), (byte)type, 0, 1, 0, 0, 0, 0, 0, (byte)rdata.Length, .. rdata];
}
