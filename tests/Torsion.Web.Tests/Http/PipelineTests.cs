using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>Persistent connections: pipelined requests in order, pausing (back-pressure) and resuming, errors that stick.</summary>
public sealed class PipelineTests
{
    private const string Get = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    private const string PostLength = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
    private const string PostChunked = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n";

    [Fact]
    public void PipelinedRequestsComeOutInOrder()
    {
        var events = All(Get + PostLength + PostChunked + Get);
        Assert.Equal(
            ["line GET /a Http11 Origin", "line POST /b Http11 Origin", "line POST /c Http11 Origin", "line GET /a Http11 Origin"],
            events.Where(e => e.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Equal(["body hello world", "body hello world"], events.Where(e => e.StartsWith("body ", StringComparison.Ordinal)));
        Assert.Equal(4, events.Count(e => e == "complete"));
        Assert.Equal("more", events[^1]);
    }

    [Fact]
    public void AnErrorInALaterRequestKeepsTheEarlierOnes()
    {
        var events = All(Get + "GET / HTTP/1.1\r\nHost : h\r\n\r\n" + Get);
        Assert.Equal(1, events.Count(e => e == "complete"));
        Assert.Equal("error 400 whitespace before colon", events[^1]);
    }

    [Fact]
    public void TheParserIsAtAMessageBoundaryOnlyBetweenRequests()
    {
        var parser = new HttpRequestParser(new RecordingHandler());
        Assert.True(parser.IsAtMessageBoundary);
        parser.Parse(Bytes("GET /a HTTP/1.1\r\n"), out _);
        Assert.False(parser.IsAtMessageBoundary);
        parser.Parse(Bytes("Host: h\r\n\r\n"), out _);
        Assert.True(parser.IsAtMessageBoundary);
        parser.Parse(Bytes("\r\n"), out _);
        Assert.False(parser.IsAtMessageBoundary);
    }

    [Fact]
    public void AnErrorSticks()
    {
        var parser = new HttpRequestParser(new RecordingHandler());
        Assert.Equal(HttpParseStatus.Error, parser.Parse(Bytes("GET / HTTP/9.9\r\n"), out _));
        Assert.Equal(HttpParseStatus.Error, parser.Parse(Bytes(Get), out var consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(505, parser.ErrorStatusCode);
    }

    [Fact]
    public void PausingMidBodyStopsMidBufferAndResumesWithTheRest()
    {
        var input = Bytes(PostLength + Get);
        var handler = new RecordingHandler { PauseOnBody = _ => true };
        var parser = new HttpRequestParser(handler);
        var first = input.AsSpan(0, input.Length - Get.Length - 5);
        Assert.Equal(HttpParseStatus.Paused, parser.Parse(first, out var consumed));
        // All of the body that was there, and nothing more.
        Assert.Equal(first.Length, consumed);
        Assert.Equal("body hello ", handler.Events[^1]);
        Assert.Equal(HttpParseStatus.Paused, parser.Parse(input.AsSpan(consumed), out var consumed2));
        Assert.Equal(5, consumed2);
        Assert.Equal("body hello world", handler.Events[^1]);
        // The message's end was reached while paused: an empty feed delivers it, then the next request comes.
        handler.PauseOnBody = null;
        Assert.Equal(HttpParseStatus.NeedMoreData, parser.Parse(input.AsSpan(consumed + consumed2), out var consumed3));
        Assert.Equal(Get.Length, consumed3);
        Assert.Equal(["body hello world", "complete", "line GET /a Http11 Origin"], handler.Events[^6..^3]);
    }

    [Fact]
    public void PausingAtTheEndOfTheBodyDeliversTheEndOnAnEmptyFeed()
    {
        var handler = new RecordingHandler { PauseOnBody = _ => true };
        var parser = new HttpRequestParser(handler);
        Assert.Equal(HttpParseStatus.Paused, parser.Parse(Bytes(PostLength), out _));
        Assert.Equal("body hello world", handler.Events[^1]);
        Assert.Equal(HttpParseStatus.NeedMoreData, parser.Parse([], out var consumed));
        Assert.Equal(0, consumed);
        Assert.Equal("complete", handler.Events[^1]);
    }

    [Fact]
    public void PausingAtHeadersCompleteStopsBeforeTheBody()
    {
        var input = Bytes(PostLength);
        var handler = new RecordingHandler { PauseOnHeadersComplete = true };
        var parser = new HttpRequestParser(handler);
        Assert.Equal(HttpParseStatus.Paused, parser.Parse(input, out var consumed));
        Assert.Equal(PostLength.Length - "hello world".Length, consumed);
        Assert.DoesNotContain(handler.Events, e => e.StartsWith("body ", StringComparison.Ordinal));
        handler.PauseOnHeadersComplete = false;
        Assert.Equal(HttpParseStatus.NeedMoreData, parser.Parse(input.AsSpan(consumed), out _));
        Assert.Equal(["body hello world", "complete"], handler.Events[^2..]);
    }

    [Fact]
    public void PausingAtMessageCompleteHoldsBackThePipelinedRequest()
    {
        var input = Bytes(PostChunked + Get);
        var handler = new RecordingHandler { PauseOnMessageComplete = true };
        var parser = new HttpRequestParser(handler);
        Assert.Equal(HttpParseStatus.Paused, parser.Parse(input, out var consumed));
        Assert.Equal(PostChunked.Length, consumed);
        Assert.Equal("complete", handler.Events[^1]);
        Assert.True(parser.IsAtMessageBoundary);
    }

    [Fact]
    public void PausingAfterEveryBodyCallInEverySplitGivesTheSameEvents()
    {
        var input = Bytes(PostChunked + PostLength + Get);
        var expected = All(input);
        var random = new Random(5);
        for (var round = 0; round < 20; round++)
        {
            var cuts = round == 0 ? Cuts(input.Length, null) : Cuts(input.Length, random);
            var handler = new RecordingHandler { PauseOnBody = _ => true };
            var parser = new HttpRequestParser(handler);
            var start = 0;
            foreach (var end in cuts.Append(input.Length))
            {
                var chunk = input.AsSpan(start, end - start);
                // Each pause consumes at least one byte or delivers a pending end, so this is bounded.
                for (var guard = 0; guard < 1000; guard++)
                {
                    var status = parser.Parse(chunk, out var consumed);
                    chunk = chunk[consumed..];
                    if (status == HttpParseStatus.NeedMoreData)
                    {
                        break;
                    }
                    Assert.Equal(HttpParseStatus.Paused, status);
                }
                Assert.True(chunk.IsEmpty);
                start = end;
            }
            handler.Events.Add("more");
            Assert.Equal(expected, handler.Events);
        }
    }

    [Fact]
    public void KeepAliveHelloWorldRequestsDoNotAllocate()
    {
        var request = Bytes("GET /hello HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n");
        var parser = new HttpRequestParser(NullHandler.Instance);
        for (var i = 0; i < 100; i++)
        {
            parser.Parse(request, out _);
        }
        var wrong = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            // No Assert inside the measured loop: xunit's comparers allocate.
            if (parser.Parse(request, out var consumed) != HttpParseStatus.NeedMoreData || consumed != request.Length)
            {
                wrong++;
            }
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, wrong);
        Assert.Equal(0, allocated);
    }

    private sealed class NullHandler : IHttpRequestHandler
    {
        public static readonly NullHandler Instance = new();

        public void OnRequestLine(HttpRequestLine line)
        {
        }

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
        }

        public bool OnHeadersComplete(HttpMessageFraming framing) => true;

        public bool OnBody(ReadOnlySpan<byte> data) => true;

        public void OnTrailer(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
        }

        public bool OnMessageComplete() => true;
    }
}
