using System.Text;
using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>The frame parser's rules (RFC 6455 §5), each fed whole, byte by byte and at random splits.</summary>
public sealed class FrameParserTests
{
    private static string Hex(string s) => Convert.ToHexString(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void TheRfcMaskedHelloExampleIsOneTextMessage()
    {
        byte[] frame = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
        Assert.Equal(["start Text", "data " + Hex("Hello"), "end", "more"], RunAllSplits(frame));
    }

    [Fact]
    public void TheRfcUnmaskedHelloExampleIsOneTextMessageForAClient()
    {
        byte[] frame = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        Assert.Equal(["start Text", "data " + Hex("Hello"), "end", "more"], RunAllSplits(frame, WebSocketRole.Client));
    }

    [Fact]
    public void FragmentsWithAPingBetweenThemAreOneMessage()
    {
        var input = Concat(Frame(1, "Hel"u8.ToArray(), fin: false), Frame(9, [1, 2]), Frame(0, "lo"u8.ToArray()));
        Assert.Equal(["start Text", "data " + Hex("Hel"), "ping 0102", "data " + Hex("lo"), "end", "more"], RunAllSplits(input));
    }

    [Fact]
    public void EmptyFramesAndEmptyMessagesAreDelivered()
    {
        var input = Concat(Frame(2, [], fin: false), Frame(0, [], fin: false), Frame(0, [7]), Frame(1, []), Frame(10, []));
        Assert.Equal(["start Binary", "data 07", "end", "start Text", "end", "pong ", "more"], RunAllSplits(input));
    }

    [Theory]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(200_000)]
    public void EveryLengthEncodingRoundTrips(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var frame = Frame(2, payload);
        var events = Merge(Run(frame, []));
        Assert.Equal(["start Binary", "data " + Convert.ToHexString(payload), "end", "more"], events);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public void ReservedBitsAreAProtocolError(int rsv) =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(1, "x"u8.ToArray(), rsv: rsv)));

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(0xB)]
    [InlineData(0xF)]
    public void ReservedOpcodesAreAProtocolError(int opcode) =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(opcode, [])));

    [Fact]
    public void AFragmentedControlFrameIsAProtocolError() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(9, [1], fin: false)));

    [Fact]
    public void AControlFrameOver125BytesIsAProtocolError() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(9, new byte[126])));

    [Fact]
    public void AContinuationWithoutAMessageIsAProtocolError() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(0, [1])));

    [Fact]
    public void ANewMessageInsideAFragmentedOneIsAProtocolError() =>
        Assert.Equal(["start Text", "data 61", "error 1002"], RunAllSplits(Concat(Frame(1, "a"u8.ToArray(), fin: false), Frame(1, "b"u8.ToArray()))));

    [Fact]
    public void AnUnmaskedClientFrameIsAProtocolErrorOnTheServer() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(1, "x"u8.ToArray(), mask: false)));

    [Fact]
    public void AMaskedServerFrameIsAProtocolErrorOnTheClient() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(1, "x"u8.ToArray(), mask: true), WebSocketRole.Client));

    [Fact]
    public void ANonMinimal16BitLengthIsAProtocolError() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(2, new byte[125], lengthForm: 16)));

    [Fact]
    public void ANonMinimal64BitLengthIsAProtocolError() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(2, new byte[65535], lengthForm: 64)));

    [Fact]
    public void A64BitLengthWithItsTopBitSetIsAProtocolError() =>
        Assert.Equal(["error 1002"], RunAllSplits(Frame(2, [], lengthForm: 64, declaredLength: 0x8000_0000_0000_0000)));

    [Fact]
    public void TheErrorComesFromTheHeaderBeforeAnyPayload()
    {
        // Only the first two bytes of a frame with a reserved opcode: judged at once, not after the payload.
        Assert.Equal(["error 1002"], Run(Frame(3, new byte[100])[..2], []));
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1011)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void ValidCloseCodesAreDelivered(int code) =>
        Assert.Equal([$"close {code} bye", "more"], RunAllSplits(Close(code, "bye")));

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public void InvalidCloseCodesAreAProtocolError(int code) =>
        Assert.Equal(["error 1002"], RunAllSplits(Close(code)));

    [Fact]
    public void AnEmptyCloseIsStatus1005AndAOneByteCloseIsAnError()
    {
        Assert.Equal(["close 1005 ", "more"], RunAllSplits(Frame(8, [])));
        Assert.Equal(["error 1002"], RunAllSplits(Frame(8, [3])));
    }

    [Fact]
    public void ACloseReasonThatIsNotUtf8IsInvalidPayload() =>
        Assert.Equal(["error 1007"], RunAllSplits(Frame(8, [0x03, 0xE8, 0xFF])));

    [Fact]
    public void NothingAfterACloseIsDelivered() =>
        Assert.Equal(["close 1000 ", "more"], RunAllSplits(Concat(Close(1000), Frame(1, "late"u8.ToArray()), [0xFF, 0xFF])));

    [Fact]
    public void Utf8SplitAcrossFragmentsIsValid()
    {
        // "€" is E2 82 AC: cut after its first byte, and after its second.
        var input = Concat(Frame(1, [0x61, 0xE2], fin: false), Frame(0, [0x82], fin: false), Frame(0, [0xAC, 0x62]));
        Assert.Equal(["start Text", "data 61E282AC62", "end", "more"], RunAllSplits(input));
    }

    [Theory]
    [InlineData("C080")] // overlong
    [InlineData("EDA080")] // a surrogate
    [InlineData("F4908080")] // beyond U+10FFFF
    [InlineData("FF")]
    [InlineData("80")]
    [InlineData("E282")] // ends inside a sequence
    public void InvalidUtf8InTextIsInvalidPayload(string hex)
    {
        var events = RunAllSplits(Frame(1, Convert.FromHexString(hex)));
        Assert.Equal("error 1007", events[^1]);
    }

    [Fact]
    public void InvalidUtf8FailsFastBeforeTheFrameEnds()
    {
        // A 1000-byte text frame whose 3rd byte is 0xF5: the error comes with the first payload bytes.
        var payload = Enumerable.Repeat((byte)'a', 1000).ToArray();
        payload[2] = 0xF5;
        var frame = Frame(1, payload);
        var events = Run(frame[..(8 + 4)], []); // 8 header bytes (16-bit length, key), 4 payload bytes
        Assert.Equal(["start Text", "error 1007"], events);
        // A sequence that cannot be completed is refused at its second byte, across fragments.
        var early = Concat(Frame(1, [0xF0], fin: false), Frame(0, [0x80], fin: false));
        Assert.Equal(["start Text", "data F0", "error 1007"], Run(early, []));
    }

    [Fact]
    public void BinaryMessagesAreNotUtf8Checked() =>
        Assert.Equal(["start Binary", "data FFC080", "end", "more"], RunAllSplits(Frame(2, [0xFF, 0xC0, 0x80])));

    [Fact]
    public void AnOversizeFrameIsRefusedFromItsHeader()
    {
        var events = Run(Frame(2, new byte[101])[..8], [], max: 100);
        Assert.Equal(["error 1009"], events);
        Assert.Equal(["start Binary", "data " + new string('0', 200), "end", "more"], Merge(Run(Frame(2, new byte[100]), [], max: 100)));
    }

    [Fact]
    public void AnOversizeFragmentedMessageIsRefusedAtTheFrameThatCrossesTheLimit()
    {
        var input = Concat(Frame(2, new byte[60], fin: false), Frame(0, new byte[60]));
        var events = RunAllSplits(input, max: 100);
        Assert.Equal("error 1009", events[^1]);
        Assert.DoesNotContain("end", events);
        // The limit is per message: two messages of 60 bytes each are fine.
        Assert.Equal("more", RunAllSplits(Concat(Frame(2, new byte[60]), Frame(2, new byte[60])), max: 100)[^1]);
    }

    [Fact]
    public void PausingAfterEveryEventLosesNothing()
    {
        var input = Concat(Frame(1, "Hel"u8.ToArray(), fin: false), Frame(9, [1]), Frame(0, "lo"u8.ToArray()), Frame(2, []), Close(1000));
        var handler = new RecordingFrameHandler { PauseEveryEvent = true };
        var parser = new WebSocketFrameParser(handler, WebSocketRole.Server, 1000);
        var offset = 0;
        for (var round = 0; round < 100 && !parser.IsClosed; round++)
        {
            var status = parser.Parse(input.AsSpan(offset), out var consumed);
            Assert.NotEqual(WebSocketParseStatus.Error, status);
            offset += consumed;
        }
        Assert.True(parser.IsClosed);
        Assert.Equal(["start Text", "data " + Hex("Hel"), "ping 01", "data " + Hex("lo"), "end", "start Binary", "end", "close 1000 "], handler.Events);
    }

    [Fact]
    public void TheWriterProducesWhatTheParserAccepts()
    {
        var random = new Random(6455);
        for (var i = 0; i < 200; i++)
        {
            var length = random.Next(4) switch { 0 => random.Next(126), 1 => random.Next(126, 70_000), 2 => 125, _ => 65536 };
            var payload = new byte[length];
            random.NextBytes(payload);
            var masked = random.Next(2) == 0;
            var key = (uint)random.Next();
            var frame = new byte[WebSocketFrameWriter.GetHeaderSize(length, masked) + length];
            var n = WebSocketFrameWriter.WriteHeader(frame, WebSocketOpcode.Binary, true, length, masked ? key : null);
            WebSocketMasking.Apply(payload, frame.AsSpan(n), masked ? key : 0, 0);
            var events = Merge(Run(frame, [], masked ? WebSocketRole.Server : WebSocketRole.Client, 1 << 20));
            Assert.Equal(["start Binary", .. length > 0 ? new[] { "data " + Convert.ToHexString(payload) } : [], "end", "more"], events);
        }
    }

    [Fact]
    public void TheWriterRefusesBadControlFrames()
    {
        var buffer = new byte[14];
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Ping, true, 126, null));
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Close, false, 2, null));
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(buffer, (WebSocketOpcode)3, true, 0, null));
    }
}
