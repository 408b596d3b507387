using Torsion.Protocols;
using Torsion.Testing;
using static Torsion.Tests.Protocols.ChunkedFeed;

namespace Torsion.Tests.Protocols;

/// <summary>NetstringReceiver in memory: framing, chunking, limits, and every kind of malformed input.</summary>
public sealed class NetstringReceiverTests
{
    private sealed class Recorder : NetstringReceiver
    {
        public List<string> Events { get; } = [];
        public List<string> Errors { get; } = [];
        public override void StringReceived(ReadOnlySpan<byte> data)
        {
            Events.Add("string:" + Show(data));
            if (data.SequenceEqual("quit"u8)) Transport.LoseConnection();
        }
        protected override void ParseErrorReceived(NetstringParseException error)
        {
            Events.Add("error");
            Errors.Add(error.Message);
            base.ParseErrorReceived(error);
        }
    }

    private static List<string> Run(byte[] input, int maxLength = 99999) =>
        SameEveryWay(() => new Recorder { MaxLength = maxLength }, input, p => p.Events);

    [Fact]
    public void StringsSentAreReceivedWhateverTheChunking()
    {
        var sender = new Recorder();
        var t = new StringTransport();
        sender.MakeConnection(t);
        byte[][] strings = ["hello"u8.ToArray(), [], "1:a,"u8.ToArray(), ":today,"u8.ToArray(), Bytes(new string('a', 515)), [0, 255, 13, 10]];
        foreach (var s in strings) sender.SendString(s);
        Assert.StartsWith("5:hello,0:,4:1:a,,7::today,,515:aaa", t.ValueString);

        var events = Run(t.Value());
        Assert.Equal([.. strings.Select(s => "string:" + Show(s)), "disconnecting=False", "wrote="], events);
    }

    [Fact]
    public void AStringOfExactlyMaxLengthIsAccepted()
    {
        Assert.Equal(["string:aaaaaaaaaaaa", "disconnecting=False", "wrote="], Run(Bytes("12:aaaaaaaaaaaa,"), maxLength: 12));
    }

    [Theory]
    [InlineData("abc", "does not start with a length")]
    [InlineData(":aaa,", "does not start with a length")]
    [InlineData("3aaa,", "not followed by ':'")]
    [InlineData("2:aaa,", "not terminated by a comma")]
    [InlineData("0:a,", "not terminated by a comma")]
    [InlineData("4:abcde", "not terminated by a comma")]
    [InlineData("01:a,", "leading zero")]
    [InlineData("00:", "leading zero")]
    [InlineData("13:aaaaaaaaaaaaa,", "longer than the maximum of 12")]
    [InlineData("9999999999999999999999", "longer than the maximum of 12")]
    [InlineData("1:a,-1:a,", "does not start with a length")]
    public void MalformedInputClosesTheConnection(string input, string reason)
    {
        var p = new Recorder { MaxLength = 12 };
        var t = new StringTransport();
        p.MakeConnection(t);
        p.DataReceived(Bytes(input));
        Assert.True(t.Disconnecting);
        Assert.True(p.BrokenPeer);
        var error = Assert.Single(p.Errors);
        Assert.Contains(reason, error);

        // Each chunking stops at the same point, with one error and the same strings before it.
        var events = Run(Bytes(input), maxLength: 12);
        Assert.Equal("disconnecting=True", events[^2]);
        Assert.Equal("error", events[^3]);
    }

    [Fact]
    public void NothingIsParsedAfterAnError()
    {
        var p = new Recorder();
        p.MakeConnection(new StringTransport());
        p.DataReceived("x"u8);
        p.DataReceived("1:a,"u8);
        Assert.Equal(["error"], p.Events);
    }

    [Fact]
    public void StringsAfterLoseConnectionInTheSameReadAreNotDelivered()
    {
        Assert.Equal(["string:a", "string:quit", "disconnecting=True", "wrote="], Run(Bytes("1:a,4:quit,1:b,")));
    }

    [Fact]
    public void TheLengthMaySpanReadsAndTheTailWaits()
    {
        var p = new Recorder();
        p.MakeConnection(new StringTransport());
        foreach (var part in new[] { "1", "0:01234", "56789", ",1" })
        {
            p.DataReceived(Bytes(part));
        }
        Assert.Equal(["string:0123456789"], p.Events);
        p.DataReceived(":b,"u8);
        Assert.Equal(["string:0123456789", "string:b"], p.Events);
    }
}
