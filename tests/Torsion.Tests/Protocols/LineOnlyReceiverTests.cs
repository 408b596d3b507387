using Torsion.Protocols;
using Torsion.Testing;
using static Torsion.Tests.Protocols.ChunkedFeed;

namespace Torsion.Tests.Protocols;

/// <summary>LineOnlyReceiver in memory: lines, delimiters, length limits, closing.</summary>
public sealed class LineOnlyReceiverTests
{
    private sealed class Recorder : LineOnlyReceiver
    {
        public List<string> Events { get; } = [];
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            Events.Add("line:" + Show(line));
            if (line.SequenceEqual("quit"u8)) Transport.LoseConnection();
            else if (line.StartsWith("echo "u8)) SendLine(line[5..]);
        }
        public override void LineLengthExceeded(ReadOnlySpan<byte> line)
        {
            Events.Add("exceeded:" + Show(line));
            base.LineLengthExceeded(line);
        }
    }

    private static List<string> Run(string input, Action<Recorder>? setup = null) =>
        SameEveryWay(() => { var p = new Recorder(); setup?.Invoke(p); return p; }, Bytes(input), p => p.Events);

    [Fact]
    public void SplitsLinesTheSameWayWhateverTheChunking()
    {
        Assert.Equal(["line:foo", "line:", "line:bar baz", "disconnecting=False", "wrote="], Run("foo\r\n\r\nbar baz\r\ntail"));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("||")]
    [InlineData("<EOL>")]
    public void OtherDelimiters(string delimiter)
    {
        var events = Run($"a{delimiter}bb{delimiter}{delimiter}c", p => p.Delimiter = Bytes(delimiter));
        Assert.Equal(["line:a", "line:bb", "line:", "disconnecting=False", "wrote="], events);
    }

    [Fact]
    public void ALineOfExactlyMaxLengthIsDelivered()
    {
        Assert.Equal(["line:xxxx", "disconnecting=False", "wrote="], Run("xxxx\r\n", p => p.MaxLength = 4));
    }

    [Fact]
    public void ALongerCompleteLineIsExceededAndCloses()
    {
        var p = new Recorder { MaxLength = 4 };
        var t = new StringTransport();
        p.MakeConnection(t);
        p.DataReceived("ok\r\nxxxxx\r\nnever\r\n"u8);
        Assert.Equal(["line:ok", "exceeded:xxxxx"], p.Events);
        Assert.True(t.Disconnecting);
    }

    [Fact]
    public void AnUnterminatedBufferIsExceededAtMaxLengthPlusTheDelimiterLength()
    {
        Assert.Equal(["disconnecting=False", "wrote="], Run("xxxxx", p => p.MaxLength = 4));
        Assert.Equal(["exceeded:xxxxxx", "disconnecting=True", "wrote="], Run("xxxxxx", p => p.MaxLength = 4));
    }

    [Fact]
    public void LinesAfterLoseConnectionAreNotDeliveredAndSendLineWritesTheDelimiter()
    {
        Assert.Equal(["line:echo one", "line:quit", "disconnecting=True", @"wrote=one\x0d\x0a"], Run("echo one\r\nquit\r\necho two\r\n"));
    }
}
