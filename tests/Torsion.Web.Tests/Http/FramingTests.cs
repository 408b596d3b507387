using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>Message body length (RFC 9112 §6.3): Content-Length and Transfer-Encoding, strictly.</summary>
public sealed class FramingTests
{
    private static string Post(string fields, string body = "") => "POST /p HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n" + body;

    [Fact]
    public void ContentLengthFramesTheBody()
    {
        var events = Accepts(Post("Content-Length: 5\r\n", "hello"));
        Assert.Equal(["headers ContentLength 5 keepAlive=True Http11", "body hello", "complete", "more"], events[^4..]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("000")]
    public void ZeroContentLengthIsAnEmptyBody(string value)
    {
        var events = Accepts(Post($"Content-Length: {value}\r\n"));
        Assert.Equal(["headers ContentLength 0 keepAlive=True Http11", "complete", "more"], events[^3..]);
    }

    [Fact]
    public void ContentLengthKeepsLeadingZerosAndSurroundingWhitespace() =>
        Assert.Contains("body hello", Accepts(Post("Content-Length: \t005 \r\n", "hello")));

    [Fact]
    public void NoFramingFieldsMeanNoBody() =>
        Assert.Equal(["headers None -1 keepAlive=True Http11", "complete", "more"], Accepts(Post(""))[^3..]);

    [Theory]
    [InlineData("+5")]
    [InlineData("-5")]
    [InlineData("0x5")]
    [InlineData("5 5")]
    [InlineData("5,5")]
    [InlineData("5, 5")]
    [InlineData("")]
    [InlineData("five")]
    [InlineData("5.0")]
    [InlineData("1e3")]
    [InlineData("1234567890123456789")]
    [InlineData("99999999999999999999999999")]
    public void MalformedContentLengthIs400(string value) =>
        Assert.Equal("error 400 invalid Content-Length", Rejects(Post($"Content-Length: {value}\r\n", "hello"), 400));

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n")]
    [InlineData("Content-Length: 5\r\ncontent-length: 6\r\n")]
    [InlineData("Content-Length: 0\r\nX: y\r\nCONTENT-LENGTH: 0\r\n")]
    public void RepeatedContentLengthIs400EvenWhenEqual(string fields) =>
        Assert.Equal("error 400 repeated Content-Length", Rejects(Post(fields, "hello"), 400));

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n")]
    public void TransferEncodingWithContentLengthIs400(string fields) =>
        Assert.Equal("error 400 Transfer-Encoding with Content-Length", Rejects(Post(fields, "5\r\nhello\r\n0\r\n\r\n"), 400));

    [Theory]
    [InlineData("chunked")]
    [InlineData("Chunked")]
    [InlineData("CHUNKED")]
    [InlineData(" chunked ")]
    public void ChunkedAloneIsAccepted(string value) =>
        Assert.Contains("headers Chunked -1 keepAlive=True Http11", Accepts(Post($"Transfer-Encoding: {value}\r\n", "0\r\n\r\n")));

    [Theory]
    [InlineData("gzip, chunked")]
    [InlineData("deflate,chunked")]
    [InlineData("identity, chunked")]
    public void OtherCodingsBeforeChunkedAre501(string value) =>
        Assert.Equal("error 501 transfer coding not implemented", Rejects(Post($"Transfer-Encoding: {value}\r\n", "0\r\n\r\n"), 501));

    [Theory]
    [InlineData("gzip")]
    [InlineData("identity")]
    [InlineData("chunked, gzip")]
    [InlineData("chunked, chunked")]
    [InlineData("xchunked")]
    [InlineData("chunked, ")]
    public void AFinalCodingOtherThanChunkedOnceIs400(string value) =>
        Rejects(Post($"Transfer-Encoding: {value}\r\n", "0\r\n\r\n"), 400);

    [Theory]
    [InlineData("chunked;q=1")]
    [InlineData("\"chunked\"")]
    [InlineData("")]
    [InlineData(",chunked")]
    public void ATransferEncodingThatIsNoTokenListIs400(string value) =>
        Assert.Equal("error 400 invalid Transfer-Encoding", Rejects(Post($"Transfer-Encoding: {value}\r\n", "0\r\n\r\n"), 400));

    [Fact]
    public void RepeatedTransferEncodingIs400() =>
        Assert.Equal("error 400 repeated Transfer-Encoding", Rejects(Post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400));

    [Fact]
    public void TransferEncodingInHttp10Is400() =>
        Assert.Equal("error 400 Transfer-Encoding in HTTP/1.0", Rejects("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));

    [Fact]
    public void ContentLengthAboveTheLimitIs413BeforeAnyBody()
    {
        var options = new HttpParserOptions { MaxBodySize = 10 };
        Assert.Contains("body 0123456789", Accepts(Post("Content-Length: 10\r\n", "0123456789"), options));
        var events = All(Post("Content-Length: 11\r\n", "0123456789A"), options);
        Assert.Equal("error 413 body larger than the limit", events[^1]);
        Assert.DoesNotContain(events, e => e.StartsWith("headers ", StringComparison.Ordinal) || e.StartsWith("body ", StringComparison.Ordinal));
    }

    [Fact]
    public void TheBodyIsNotTakenForTheNextRequest()
    {
        // A body that looks like a request is data, not a second message.
        var events = All(Post("Content-Length: 34\r\n", "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n"));
        Assert.Equal(1, events.Count(e => e.StartsWith("line ", StringComparison.Ordinal)));
        Assert.Equal("complete", events[^2]);
    }
}
