using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>The frame parser's steady state allocates nothing, whatever the message sizes and splits.</summary>
public sealed class AllocationTests
{
    private sealed class Counting : IWebSocketFrameHandler
    {
        public long Bytes;
        public int Messages;

        public bool OnMessageStart(WebSocketOpcode opcode) => true;

        public bool OnMessageData(ReadOnlySpan<byte> data)
        {
            Bytes += data.Length;
            return true;
        }

        public bool OnMessageEnd()
        {
            Messages++;
            return true;
        }

        public bool OnPing(ReadOnlySpan<byte> payload) => true;

        public bool OnPong(ReadOnlySpan<byte> payload) => true;

        public bool OnClose(int code, ReadOnlySpan<byte> reason) => true;
    }

    [Fact]
    public void ParsingMaskedFramesAllocatesNothingOnceWarm()
    {
        var stream = Concat(Text("hello wörld"), Frame(2, new byte[40_000]), Frame(1, "frag"u8.ToArray(), fin: false), Frame(9, [1]), Frame(0, "ment"u8.ToArray()));
        var handler = new Counting();
        var parser = new WebSocketFrameParser(handler, WebSocketRole.Server, 1 << 20);
        var failures = 0;
        void FeedOnce()
        {
            // In three pieces, splitting headers and payloads. (No Assert here: xUnit's comparers allocate.)
            failures += parser.Parse(stream.AsSpan(0, 7), out _) == WebSocketParseStatus.NeedMoreData ? 0 : 1;
            failures += parser.Parse(stream.AsSpan(7, 20_000), out _) == WebSocketParseStatus.NeedMoreData ? 0 : 1;
            failures += parser.Parse(stream.AsSpan(20_007), out _) == WebSocketParseStatus.NeedMoreData ? 0 : 1;
        }
        FeedOnce();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2000; i++)
        {
            FeedOnce();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
        Assert.Equal(2001 * 3, handler.Messages);
    }
}
