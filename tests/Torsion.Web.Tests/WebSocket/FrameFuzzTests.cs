using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>Seeded, bounded fuzzing: random and mutated frame streams never throw, and every split agrees.</summary>
public sealed class FrameFuzzTests
{
    [Fact]
    public void RandomBytesNeverThrowAndAgreeInEverySplit()
    {
        var random = new Random(6455);
        for (var i = 0; i < 1500; i++)
        {
            var input = new byte[random.Next(0, 64)];
            random.NextBytes(input);
            var role = random.Next(2) == 0 ? WebSocketRole.Server : WebSocketRole.Client;
            var events = RunAllSplits(input, role, max: 1000);
            Assert.True(events[^1] == "more" || events[^1].StartsWith("error ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void MutatedValidStreamsNeverThrowAndAgreeInEverySplit()
    {
        var random = new Random(7692);
        for (var i = 0; i < 1500; i++)
        {
            var stream = Concat(
                Frame(1, "héllo wörld"u8.ToArray(), fin: false),
                Frame(9, [1, 2, 3]),
                Frame(0, new byte[random.Next(0, 300)]),
                Frame(2, new byte[random.Next(0, 70)]),
                Close(1000, "done"));
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                stream[random.Next(stream.Length)] ^= (byte)(1 << random.Next(8));
            }
            var events = RunAllSplits(stream, WebSocketRole.Server, max: 200);
            Assert.True(events[^1] == "more" || events[^1].StartsWith("error ", StringComparison.Ordinal));
            Assert.True(events.Count < 50);
        }
    }

    [Fact]
    public void AnErrorStopsTheParserForGood()
    {
        var handler = new RecordingFrameHandler();
        var parser = new WebSocketFrameParser(handler, WebSocketRole.Server, 100);
        Assert.Equal(WebSocketParseStatus.Error, parser.Parse(Frame(3, []), out _));
        Assert.Equal(WebSocketParseStatus.Error, parser.Parse(Text("fine"), out var consumed));
        Assert.Equal(0, consumed);
        Assert.Empty(handler.Events);
    }
}
