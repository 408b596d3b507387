using Torsion.Protocols;
using Torsion.Testing;
using static Torsion.Tests.Protocols.ChunkedFeed;

namespace Torsion.Tests.Protocols;

/// <summary>Int32/Int16/Int8StringReceiver in memory: framing at each width, limits, pausing.</summary>
public sealed class IntNStringReceiverTests
{
    /// <summary>What the three recorders share.</summary>
    private sealed class Log
    {
        public List<string> Events { get; } = [];
        public List<long> Exceeded { get; } = [];
    }

    private static void Received(IntNStringReceiver p, Log log, ReadOnlySpan<byte> data)
    {
        log.Events.Add("string:" + Show(data));
        if (data.SequenceEqual("quit"u8)) p.Transport.LoseConnection();
        else if (data.SequenceEqual("pause"u8)) p.PauseProducing();
    }

    private sealed class R32 : Int32StringReceiver
    {
        public Log Log { get; } = new();
        public override void StringReceived(ReadOnlySpan<byte> data) => Received(this, Log, data);
        public override void LengthLimitExceeded(long length) { Log.Exceeded.Add(length); Log.Events.Add("exceeded"); base.LengthLimitExceeded(length); }
    }

    private sealed class R16 : Int16StringReceiver
    {
        public Log Log { get; } = new();
        public override void StringReceived(ReadOnlySpan<byte> data) => Received(this, Log, data);
        public override void LengthLimitExceeded(long length) { Log.Exceeded.Add(length); Log.Events.Add("exceeded"); base.LengthLimitExceeded(length); }
    }

    private sealed class R8 : Int8StringReceiver
    {
        public Log Log { get; } = new();
        public override void StringReceived(ReadOnlySpan<byte> data) => Received(this, Log, data);
        public override void LengthLimitExceeded(long length) { Log.Exceeded.Add(length); Log.Events.Add("exceeded"); base.LengthLimitExceeded(length); }
    }

    public static TheoryData<int> Widths => [4, 2, 1];

    private static IntNStringReceiver Make(int width) => width switch
    {
        4 => new R32(),
        2 => new R16(),
        _ => new R8(),
    };

    private static Log LogOf(IntNStringReceiver p) => p switch
    {
        R32 r => r.Log,
        R16 r => r.Log,
        R8 r => r.Log,
        _ => throw new ArgumentException("not a recorder"),
    };

    private static byte[] Frame(int width, byte[] payload)
    {
        var prefix = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)payload.Length);
        return [.. prefix[(4 - width)..], .. payload];
    }

    [Theory, MemberData(nameof(Widths))]
    public void SendStringWritesABigEndianPrefix(int width)
    {
        var p = Make(width);
        var t = new StringTransport();
        p.MakeConnection(t);
        p.SendString("foo"u8);
        byte[] expected = width switch { 4 => [0, 0, 0, 3], 2 => [0, 3], _ => [3] };
        Assert.Equal([.. expected, .. "foo"u8], t.Value());
        Assert.Equal(width, p.PrefixLength);
    }

    [Theory, MemberData(nameof(Widths))]
    public void StringsAreReceivedWhateverTheChunking(int width)
    {
        byte[][] strings = ["a"u8.ToArray(), [], Bytes(new string('b', 200)), [0, 0, 0, 1, 13, 10]];
        var input = strings.SelectMany(s => Frame(width, s)).Concat(Frame(width, "tail"u8.ToArray())[..^1]).ToArray();
        var events = SameEveryWay(() => Make(width), input, p => LogOf(p).Events);
        Assert.Equal([.. strings.Select(s => "string:" + Show(s)), "disconnecting=False", "wrote="], events);
    }

    [Theory, MemberData(nameof(Widths))]
    public void APartialPrefixOrPayloadDeliversNothing(int width)
    {
        var p = Make(width);
        p.MakeConnection(new StringTransport());
        p.DataReceived(Frame(width, "hello"u8.ToArray())[..(width + 4)]);
        Assert.Empty(LogOf(p).Events);
        p.DataReceived("o"u8);
        Assert.Equal(["string:hello"], LogOf(p).Events);
    }

    [Theory, MemberData(nameof(Widths))]
    public void APrefixAboveMaxLengthCallsLengthLimitExceededAndDeliversNothing(int width)
    {
        var input = Frame(width, Bytes(new string('x', 11)));
        var events = SameEveryWay(() => { var p = Make(width); p.MaxLength = 10; return p; }, input, p => LogOf(p).Events);
        Assert.Equal(["exceeded", "disconnecting=True", "wrote="], events);

        var q = Make(width);
        q.MaxLength = 10;
        q.MakeConnection(new StringTransport());
        q.DataReceived(input);
        Assert.Equal([11L], LogOf(q).Exceeded);

        var exact = Make(width);
        exact.MaxLength = 10;
        exact.MakeConnection(new StringTransport());
        exact.DataReceived(Frame(width, Bytes(new string('y', 10))));
        Assert.Equal(["string:yyyyyyyyyy"], LogOf(exact).Events);
    }

    [Fact]
    public void TheLargest32BitPrefixIsReportedUnsigned()
    {
        var p = new R32();
        p.MakeConnection(new StringTransport());
        p.DataReceived([0xff, 0xff, 0xff, 0xff]);
        Assert.Equal([4294967295L], p.Log.Exceeded);
    }

    [Theory]
    [InlineData(1, 255)]
    [InlineData(2, 65535)]
    public void SendStringRefusesStringsTheirPrefixCannotDescribe(int width, int largest)
    {
        var p = Make(width);
        var t = new StringTransport();
        p.MakeConnection(t);
        p.SendString(new byte[largest]);
        Assert.Equal(width + largest, t.Value().Length);
        Assert.Equal(largest, p.MaxPrefixValue);
        var e = Assert.Throws<StringTooLongException>(() => p.SendString(new byte[largest + 1]));
        Assert.Contains((largest + 1).ToString(), e.Message);
        Assert.Equal(width + largest, t.Value().Length);
    }

    [Theory, MemberData(nameof(Widths))]
    public void StringsAfterLoseConnectionInTheSameReadAreNotDelivered(int width)
    {
        var input = new[] { "a", "quit", "b" }.SelectMany(s => Frame(width, Bytes(s))).ToArray();
        Assert.Equal(["string:a", "string:quit", "disconnecting=True", "wrote="], SameEveryWay(() => Make(width), input, p => LogOf(p).Events));
    }

    [Theory, MemberData(nameof(Widths))]
    public void PausingHoldsStringsUntilResumed(int width)
    {
        var p = Make(width);
        var t = new StringTransport();
        p.MakeConnection(t);
        p.DataReceived(new[] { "a", "pause", "b", "c" }.SelectMany(s => Frame(width, Bytes(s))).ToArray());
        Assert.Equal(["string:a", "string:pause"], LogOf(p).Events);
        Assert.True(p.Paused);
        Assert.Equal(ProducerState.Paused, t.ProducerState);
        p.DataReceived(Frame(width, "d"u8.ToArray()));
        Assert.Equal(2, LogOf(p).Events.Count);
        p.ResumeProducing();
        Assert.Equal(["string:a", "string:pause", "string:b", "string:c", "string:d"], LogOf(p).Events);
        Assert.Equal(ProducerState.Producing, t.ProducerState);
    }
}
