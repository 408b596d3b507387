using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Testing;
using static Torsion.Tests.Protocols.ChunkedFeed;

namespace Torsion.Tests.Protocols;

/// <summary>LineReceiver in memory: lines, delimiters, length limits, raw mode, the buffer, pausing.</summary>
public sealed class LineReceiverTests
{
    /// <summary>
    /// Acts on the lines it gets: "quit" closes, "raw N" reads N raw bytes then goes back to line mode
    /// with the rest, "pause" pauses, "echo X" answers X. Raw bytes are recorded once all N arrived, so
    /// the events do not depend on how the raw data was split.
    /// </summary>
    private sealed class Scripted : LineReceiver
    {
        private readonly MemoryStream _raw = new();
        private int _rawLeft;

        public List<string> Events { get; } = [];

        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            var text = Show(line);
            Events.Add("line:" + text);
            if (text == "quit") Transport.LoseConnection();
            else if (text == "pause") PauseProducing();
            else if (text.StartsWith("echo ", StringComparison.Ordinal)) SendLine(line[5..]);
            else if (text.StartsWith("raw ", StringComparison.Ordinal))
            {
                _rawLeft = int.Parse(text[4..]);
                SetRawMode();
            }
        }

        public override void RawDataReceived(ReadOnlySpan<byte> data)
        {
            var n = Math.Min(_rawLeft, data.Length);
            _raw.Write(data[..n]);
            _rawLeft -= n;
            if (_rawLeft == 0)
            {
                Events.Add("raw:" + Show(_raw.ToArray()));
                _raw.SetLength(0);
                SetLineMode(data[n..]);
            }
        }

        public override void LineLengthExceeded(ReadOnlySpan<byte> line)
        {
            Events.Add("exceeded");
            base.LineLengthExceeded(line);
        }
    }

    private sealed class Recorder : LineReceiver
    {
        public List<string> Lines { get; } = [];
        public List<string> Exceeded { get; } = [];
        public override void LineReceived(ReadOnlySpan<byte> line) => Lines.Add(Show(line));
        public override void LineLengthExceeded(ReadOnlySpan<byte> line)
        {
            Exceeded.Add(Show(line));
            base.LineLengthExceeded(line);
        }
    }

    private static List<string> Run(string input, Action<Scripted>? setup = null) =>
        SameEveryWay(() => { var p = new Scripted(); setup?.Invoke(p); return p; }, Bytes(input), p => p.Events);

    [Fact]
    public void SplitsLinesTheSameWayWhateverTheChunking()
    {
        var events = Run("hello\r\nworld\r\n\r\n  spaced  \r\nunfinished");
        Assert.Equal(["line:hello", "line:world", "line:", "line:  spaced  ", "disconnecting=False", "wrote="], events);
    }

    [Fact]
    public void KeepsTheUnterminatedTailForTheNextRead()
    {
        var p = new Recorder();
        p.MakeConnection(new StringTransport());
        p.DataReceived("one\r\ntw"u8);
        p.DataReceived("o\r"u8);
        Assert.Equal(["one"], p.Lines);
        p.DataReceived("\nthree\r\n"u8);
        Assert.Equal(["one", "two", "three"], p.Lines);
        Assert.Empty(p.ClearLineBuffer());
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\0")]
    [InlineData("END")]
    [InlineData("\r\n\r\n")]
    [InlineData("aa")] // overlaps itself: "aaa" is one delimiter then "a"
    [InlineData("ab")]
    public void OtherDelimiters(string delimiter)
    {
        var input = $"first{delimiter}xaaab{delimiter}{delimiter}last{delimiter}tail";
        var events = Run(input, p => p.Delimiter = Bytes(delimiter));
        // The reference split is the same left-to-right, non-overlapping split Python's bytes.split does.
        var expected = input.Split(delimiter).SkipLast(1).Select(l => "line:" + Show(Bytes(l)));
        Assert.Equal([.. expected, "disconnecting=False", "wrote="], events);
    }

    [Fact]
    public void ALineOfExactlyMaxLengthIsDelivered()
    {
        var line = new string('x', 8);
        var events = Run(line + "\r\n" + line + "\r", p => p.MaxLength = 8);
        Assert.Equal(["line:" + line, "disconnecting=False", "wrote="], events);
    }

    [Fact]
    public void ALineOfMaxLengthPlusOneIsExceededAndCloses()
    {
        var events = Run(new string('x', 9) + "\r\nnext\r\n", p => p.MaxLength = 8);
        Assert.Equal(["exceeded", "disconnecting=True", "wrote="], events);
    }

    [Fact]
    public void AnUnterminatedBufferIsExceededOnlyAtMaxLengthPlusTheDelimiterLength()
    {
        // Until MaxLength + len(delimiter) bytes have arrived, the buffer could still end in the first
        // bytes of a delimiter closing a legal line, so Twisted waits.
        Assert.Equal(["disconnecting=False", "wrote="], Run(new string('x', 9), p => p.MaxLength = 8));
        Assert.Equal(["disconnecting=False", "wrote="], Run(new string('x', 8) + "\r", p => p.MaxLength = 8));
        Assert.Equal(["exceeded", "disconnecting=True", "wrote="], Run(new string('x', 10), p => p.MaxLength = 8));
    }

    [Fact]
    public void LineLengthExceededGetsEverythingBuffered()
    {
        var p = new Recorder { MaxLength = 6 };
        var transport = new StringTransport();
        p.MakeConnection(transport);
        var input = "ok\r\n" + new string('x', 14) + "\r\nmore\r\nand";
        p.DataReceived(Bytes(input));
        Assert.Equal(["ok"], p.Lines);
        Assert.Equal([new string('x', 14) + "\\x0d\\x0amore\\x0d\\x0aand"], p.Exceeded);
        Assert.True(transport.Disconnecting);
        Assert.Empty(p.ClearLineBuffer());
    }

    [Fact]
    public void AnUnterminatedLongLineIsPassedWhole()
    {
        var p = new Recorder { MaxLength = 6 };
        p.MakeConnection(new StringTransport());
        p.DataReceived(Bytes(new string('y', 20)));
        Assert.Equal([new string('y', 20)], p.Exceeded);
    }

    [Fact]
    public void ADelimiterSplitAcrossReadsAfterAMaxLengthLineIsNotExceeded()
    {
        var p = new Recorder { MaxLength = 4 };
        var transport = new StringTransport();
        p.MakeConnection(transport);
        p.DataReceived("xxxx"u8);
        p.DataReceived("\r"u8);
        p.DataReceived("\nxxx"u8);
        Assert.Equal(["xxxx"], p.Lines);
        Assert.Empty(p.Exceeded);
        Assert.False(transport.Disconnecting);
    }

    [Fact]
    public void RawModeSwitchedInsideLineReceivedGetsTheRestOfTheSameRead()
    {
        var events = Run("header\r\nraw 7\r\nab\r\ncd\r\nafter\r\nraw 3\r\nxyzlast\r\n");
        Assert.Equal(
            ["line:header", "line:raw 7", @"raw:ab\x0d\x0acd\x0d", @"line:\x0aafter", "line:raw 3", "raw:xyz", "line:last", "disconnecting=False", "wrote="],
            events);
    }

    [Fact]
    public void RawDataArrivesAsReceivedAndSetLineModeReparsesExtra()
    {
        var raw = new List<string>();
        var rawProtocol = new RawRecorder(raw);
        rawProtocol.MakeConnection(new StringTransport());
        rawProtocol.SetRawMode();
        rawProtocol.DataReceived("abc\r\n"u8);
        rawProtocol.DataReceived("def"u8);
        Assert.Equal([@"abc\x0d\x0a", "def"], raw);
        Assert.False(rawProtocol.LineMode);
        rawProtocol.SetLineMode("one\r\ntwo\r\nthr"u8);
        Assert.True(rawProtocol.LineMode);
        Assert.Equal(["one", "two"], rawProtocol.Lines);
        rawProtocol.DataReceived("ee\r\n"u8);
        Assert.Equal(["one", "two", "three"], rawProtocol.Lines);
    }

    private sealed class RawRecorder(List<string> raw) : LineReceiver
    {
        public List<string> Lines { get; } = [];
        public override void LineReceived(ReadOnlySpan<byte> line) => Lines.Add(Show(line));
        public override void RawDataReceived(ReadOnlySpan<byte> data) => raw.Add(Show(data));
    }

    /// <summary>Switches to raw mode after every line and back after one raw byte, all within one read.</summary>
    private sealed class Flipper : LineReceiver
    {
        public int Lines { get; private set; }
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            Assert.True(line.SequenceEqual("x"u8));
            Lines++;
            SetRawMode();
        }
        public override void RawDataReceived(ReadOnlySpan<byte> data) => SetLineMode(data[1..]);
    }

    [Fact]
    public void ThousandsOfModeSwitchesInOneReadDoNotRecurse()
    {
        var p = new Flipper { Delimiter = "\n"u8 };
        p.MakeConnection(new StringTransport());
        var input = Bytes(string.Concat(Enumerable.Repeat("x\nx", 5000)));
        p.DataReceived(input);
        Assert.Equal(5000, p.Lines);
    }

    [Fact]
    public void RawDataReceivedMustBeOverriddenToUseRawMode()
    {
        var p = new Recorder();
        p.MakeConnection(new StringTransport());
        p.SetRawMode();
        Assert.Throws<NotSupportedException>(() => p.DataReceived("data"u8));
    }

    private sealed class Clearing : LineReceiver
    {
        public List<string> Lines { get; } = [];
        public List<string> Cleared { get; } = [];
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            Lines.Add(Show(line));
            Cleared.Add(Show(ClearLineBuffer()));
        }
    }

    [Fact]
    public void ClearLineBufferInsideLineReceivedReturnsAndDropsTheRestOfTheRead()
    {
        var p = new Clearing();
        p.MakeConnection(new StringTransport());
        p.DataReceived("foo\r\nbar\r\nbaz"u8);
        Assert.Equal(["foo"], p.Lines);
        Assert.Equal([@"bar\x0d\x0abaz"], p.Cleared);
        p.DataReceived("quux\r\n"u8);
        Assert.Equal(["foo", "quux"], p.Lines);
        Assert.Equal([@"bar\x0d\x0abaz", ""], p.Cleared);
    }

    [Fact]
    public void ClearLineBufferOutsideACallbackReturnsTheBufferedTail()
    {
        var p = new Recorder();
        p.MakeConnection(new StringTransport());
        p.DataReceived("a\r\npart"u8);
        p.DataReceived("ial"u8);
        Assert.Equal("partial"u8.ToArray(), p.ClearLineBuffer());
        Assert.Empty(p.ClearLineBuffer());
        p.DataReceived("\r\nb\r\n"u8);
        Assert.Equal(["a", "", "b"], p.Lines);
    }

    [Fact]
    public void LinesAfterLoseConnectionInTheSameReadAreNotDelivered()
    {
        var events = Run("a\r\nquit\r\nb\r\nc\r\n");
        Assert.Equal(["line:a", "line:quit", "disconnecting=True", "wrote="], events);
    }

    [Fact]
    public void SendLineAppendsTheDelimiter()
    {
        var events = Run("echo hi\r\necho h\u00e9\r\n");
        Assert.Equal(["line:echo hi", @"line:echo h\xc3\xa9", "disconnecting=False", @"wrote=hi\x0d\x0ah\xc3\xa9\x0d\x0a"], events);

        var p = new Recorder { Delimiter = "\n"u8 };
        var transport = new StringTransport();
        p.MakeConnection(transport);
        p.SendLine("caf\u00e9");
        var big = new byte[5000];
        Array.Fill(big, (byte)'z');
        p.SendLine(big);
        Assert.Equal([.. "caf\u00e9\n"u8, .. big, (byte)'\n'], transport.Value());
    }

    [Fact]
    public void AnEmptyDelimiterIsRefused()
    {
        var p = new Recorder();
        Assert.Throws<ArgumentException>(() => p.Delimiter = ReadOnlySpan<byte>.Empty);
    }

    /// <summary>Writes each line back and pauses itself (Twisted's ConsumingProtocol).</summary>
    private sealed class Consuming : LineReceiver
    {
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            Transport.Write(line);
            Transport.Write("|"u8);
            PauseProducing();
        }
    }

    [Fact]
    public void PausingStopsDispatchAndResumingDeliversTheBufferedLines()
    {
        var p = new Consuming();
        var t = new StringTransport();
        p.MakeConnection(t);

        p.DataReceived("hello, "u8);
        Assert.Equal("", t.ValueString);
        Assert.False(p.Paused);

        p.DataReceived("world\r\n"u8);
        Assert.Equal("hello, world|", t.ValueString);
        Assert.True(p.Paused);
        Assert.Equal(ProducerState.Paused, t.ProducerState);

        p.ResumeProducing();
        Assert.False(p.Paused);
        Assert.Equal(ProducerState.Producing, t.ProducerState);

        p.DataReceived("hello\r\nworld\r\n"u8);
        Assert.Equal("hello, world|hello|", t.ValueString);
        Assert.True(p.Paused);

        p.ResumeProducing();
        Assert.Equal("hello, world|hello|world|", t.ValueString);
        Assert.True(p.Paused);

        p.DataReceived("goodbye\r\n"u8);
        Assert.Equal("hello, world|hello|world|", t.ValueString);

        p.ResumeProducing();
        Assert.Equal("hello, world|hello|world|goodbye|", t.ValueString);
        Assert.True(p.Paused);

        p.ResumeProducing();
        Assert.False(p.Paused);
        Assert.Equal("hello, world|hello|world|goodbye|", t.ValueString);
    }

    [Fact]
    public void PauseInsideLineReceivedHoldsTheRestOfTheReadUntilResumed()
    {
        var p = new Scripted();
        var t = new StringTransport();
        p.MakeConnection(t);
        p.DataReceived("a\r\npause\r\nb\r\nraw 2\r\nxyc\r\n"u8);
        Assert.Equal(["line:a", "line:pause"], p.Events);
        p.DataReceived("d\r\n"u8);
        Assert.Equal(["line:a", "line:pause"], p.Events);
        p.ResumeProducing();
        Assert.Equal(["line:a", "line:pause", "line:b", "line:raw 2", "raw:xy", "line:c", "line:d"], p.Events);
    }

    private sealed class ResumeAtOnce : LineReceiver
    {
        public List<string> Lines { get; } = [];
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            Lines.Add(Show(line));
            PauseProducing();
            ResumeProducing();
        }
    }

    [Fact]
    public void ResumingInsideLineReceivedContinuesTheSameRead()
    {
        var p = new ResumeAtOnce();
        p.MakeConnection(new StringTransport());
        p.DataReceived("1\r\n2\r\n3\r\n"u8);
        Assert.Equal(["1", "2", "3"], p.Lines);
        Assert.False(p.Paused);
    }

    [Fact]
    public void StopProducingStopsDeliveryForGood()
    {
        var p = new Recorder();
        var t = new StringTransport();
        p.MakeConnection(t);
        p.StopProducing();
        p.DataReceived("a\r\n"u8);
        Assert.Empty(p.Lines);
        Assert.Equal(ProducerState.Stopped, t.ProducerState);
    }

    private sealed class Counter : LineReceiver
    {
        public int Lines;
        public long Bytes;
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            Lines++;
            Bytes += line.Length;
        }
    }

    [Fact]
    public void LinesInsideOneReadAreDeliveredWithoutAllocating()
    {
        var p = new Counter();
        p.MakeConnection(new StringTransport());
        var block = Bytes(string.Concat(Enumerable.Range(0, 10_000).Select(i => $"line number {i}\r\n")));
        p.DataReceived(block); // warm up: JIT, first buffer
        p.DataReceived("partial tail"u8);
        p.DataReceived("\r\n"u8);
        var before = GC.GetAllocatedBytesForCurrentThread();
        p.DataReceived(block);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(20_001, p.Lines);
        // The runtime itself may allocate a few KB on this thread (tiered JIT); one allocation per line
        // would be at least 24 bytes each, 240 KB in all.
        Assert.True(allocated < 32 * 1024, $"{allocated} bytes allocated for 10,000 lines");
    }
}
