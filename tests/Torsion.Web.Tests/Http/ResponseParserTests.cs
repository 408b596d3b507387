using System.Text;
using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ResponseRun;

namespace Torsion.Web.Tests.Http;

/// <summary>The response parser: status line, fields and framing (RFC 9112 §4, §5, §6.3), each case in every split.</summary>
public sealed class ResponseParserTests
{
    [Fact]
    public void ContentLengthFramesTheBody() =>
        Assert.Equal(
            ["status Http11 200 OK", "header Content-Length: 5", "headers ContentLength 5 keepAlive=True", "body hello", "complete", "more"],
            All("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));

    [Fact]
    public void ChunkedBodyWithExtensionsAndTrailers() =>
        Assert.Equal(
            ["status Http11 200 OK", "header Transfer-Encoding: chunked", "headers Chunked -1 keepAlive=True", "body hello world", "trailer X-Sum: 1", "complete", "more"],
            All("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n"));

    [Fact]
    public void NoFramingMeansTheBodyRunsToTheClose()
    {
        var events = All("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nuntil the end", close: true);
        Assert.Equal(["headers CloseDelimited -1 keepAlive=False", "body until the end", "complete", "closed"], events[^4..]);
    }

    [Fact]
    public void CloseDelimitedBodyWaitsForTheClose() =>
        Assert.Equal("more", All("HTTP/1.0 200 OK\r\n\r\nsome")[^1]);

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", "GET")]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", "GET")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD")]
    public void SomeResponsesHaveNoBodyWhateverTheirFieldsSay(string raw, string method)
    {
        var events = All(raw, method);
        Assert.Equal(["headers None -1 keepAlive=True", "complete", "more"], events[^3..]);
    }

    [Fact]
    public void TwoResponsesInARowOnAPersistentConnection()
    {
        var handler = new ResponseRecorder();
        var parser = new HttpResponseParser(handler);
        parser.ExpectResponseTo("HEAD");
        var first = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
        Assert.Equal(HttpParseStatus.NeedMoreData, parser.Parse(first, out _));
        Assert.True(parser.IsAtMessageBoundary);
        parser.ExpectResponseTo("GET");
        Assert.Equal(HttpParseStatus.NeedMoreData, parser.Parse(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"), out _));
        Assert.Equal(["headers None -1 keepAlive=True", "complete"], handler.Events[2..4]);
        Assert.Equal(["body abc", "complete"], handler.Events[^2..]);
    }

    [Fact]
    public void InterimResponsesComeBeforeTheFinalOne() =>
        Assert.Equal(
            ["status Http11 100 Continue", "headers None -1 keepAlive=True", "status Http11 103 Early Hints", "header Link: </a>", "headers None -1 keepAlive=True",
             "status Http11 200 OK", "header Content-Length: 2", "headers ContentLength 2 keepAlive=True", "body ok", "complete", "more"],
            All("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

    [Fact]
    public void SuccessfulConnectEndsHttpOnTheConnection()
    {
        var events = All("HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01", "CONNECT");
        Assert.Equal(["headers None -1 keepAlive=False", "complete", "upgraded"], events[^3..]);
    }

    [Fact]
    public void RefusedConnectHasABody() =>
        Assert.Contains("body no", All("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno", "CONNECT"));

    [Fact]
    public void SwitchingProtocolsEndsHttpOnTheConnection() =>
        Assert.Equal("upgraded", All("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframes")[^1]);

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", false)]
    public void PersistenceFollowsVersionAndConnection(string raw, bool keepAlive)
    {
        var events = All(raw, "HEAD");
        Assert.EndsWith($"keepAlive={keepAlive}", events.Single(e => e.StartsWith("headers ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "status Http11 200 ")]
    [InlineData("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", "status Http11 200 ")]
    [InlineData("HTTP/1.1 404 Not  Found \u00e9\r\nContent-Length: 0\r\n\r\n", "status Http11 404 Not  Found \u00e9")]
    [InlineData("HTTP/1.2 599 Odd\r\nContent-Length: 0\r\n\r\n", "status Http11 599 Odd")]
    public void StatusLineVariantsThatAreAccepted(string raw, string status) => Assert.Equal(status, All(raw)[0]);

    [Fact]
    public void IdenticalRepeatedContentLengthIsAccepted() =>
        Assert.Contains("body hello", All("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 005\r\n\r\nhello"));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "conflicting Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", "invalid Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "Transfer-Encoding with Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "transfer coding not implemented")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "transfer coding not implemented")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "repeated Transfer-Encoding")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n", "invalid Transfer-Encoding")]
    [InlineData("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding in HTTP/1.0")]
    public void AmbiguousFramingIsRefused(string raw, string reason) => Assert.Equal(reason, Rejects(raw));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare LF")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", "bare LF")]
    [InlineData("HTTP/1.1 200 O\rK\r\nContent-Length: 0\r\n\r\n", "bare CR")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", "bare CR")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\r\n  folded\r\n\r\n", "obsolete line folding")]
    [InlineData("HTTP/1.1 200 OK\r\n X: a\r\n\r\n", "obsolete line folding")]
    [InlineData("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", "whitespace before colon")]
    [InlineData("HTTP/1.1 200 OK\r\nX\r\n\r\n", "field line without a colon")]
    [InlineData("HTTP/1.1 200 OK\r\n: a\r\n\r\n", "empty field name")]
    [InlineData("HTTP/1.1 200 OK\r\nX(y): a\r\n\r\n", "invalid field name")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\u0000b\r\n\r\n", "invalid field value")]
    [InlineData("HTTP/1.1 200 O\u0001K\r\n\r\n", "invalid reason phrase")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n", "malformed status code")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 099 OK\r\n\r\n", "status code out of range")]
    [InlineData("HTTP/1.1 600 OK\r\n\r\n", "status code out of range")]
    [InlineData("HTTP/1.1  200 OK\r\n\r\n", "malformed status code")]
    [InlineData("http/1.1 200 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/2 200 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/3.0 200 OK\r\n\r\n", "HTTP version not supported")]
    [InlineData("\r\nHTTP/1.1 200 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", "chunk data not followed by CRLF")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", "invalid chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;\r\n", "invalid chunk extension")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n", "chunk size too long")]
    public void BrokenSyntaxIsRefused(string raw, string reason) => Assert.Equal(reason, Rejects(raw));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", "connection closed before the response headers were complete")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "connection closed before the response body was complete")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "connection closed before the response body was complete")]
    public void CloseBeforeTheEndIsAnError(string raw, string reason) =>
        Assert.Equal($"error {reason}", All(raw, close: true)[^1]);

    [Fact]
    public void CloseBetweenResponsesIsClean() =>
        Assert.Equal("closed", All("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", close: true)[^1]);

    [Fact]
    public void LimitsAreEnforced()
    {
        var small = new HttpParserOptions { MaxRequestLineLength = 20, MaxHeaderCount = 2, MaxHeaderBytes = 64, MaxBodySize = 4 };
        Assert.Equal("status line too long", Rejects("HTTP/1.1 200 A reason far too long\r\n\r\n", options: small));
        Assert.Equal("too many header fields", Rejects("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", options: small));
        Assert.Equal("header section too large", Rejects($"HTTP/1.1 200 OK\r\nA: {new string('x', 80)}\r\n\r\n", options: small));
        Assert.Equal("body larger than the limit", Rejects("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", options: small));
        Assert.Equal("body larger than the limit", Rejects("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", options: small));
        Assert.Equal(["body hell", "error body larger than the limit"], All("HTTP/1.1 200 OK\r\n\r\nhello", close: true, options: small)[^2..]);
        Assert.Equal("closed", All("HTTP/1.1 200 OK\r\n\r\nhell", close: true, options: small)[^1]);
    }

    [Fact]
    public void MethodCanOnlyBeSetBetweenResponses()
    {
        var parser = new HttpResponseParser(new ResponseRecorder());
        parser.Parse("HTTP/1.1 200"u8, out _);
        Assert.Throws<InvalidOperationException>(() => parser.ExpectResponseTo("GET"));
    }
}
