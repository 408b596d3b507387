using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>The chunked coding (RFC 9112 §7.1): sizes, extensions, chunk ends, trailers, and the 2025 chunk-extension smuggling vectors.</summary>
public sealed class ChunkedTests
{
    private static string Chunked(string body) => "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body;

    [Fact]
    public void ChunksAreJoinedIntoTheBody()
    {
        var events = Accepts(Chunked("5\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n"));
        Assert.Equal(["headers Chunked -1 keepAlive=True Http11", "body hello 0123456789abcdefghij", "complete", "more"], events[^4..]);
    }

    [Fact]
    public void AnEmptyChunkedBodyHasNoBodyEvents() =>
        Assert.DoesNotContain(Accepts(Chunked("0\r\n\r\n")), e => e.StartsWith("body ", StringComparison.Ordinal));

    [Theory]
    [InlineData("000000000000000a")]
    [InlineData("00a")]
    [InlineData("A")]
    public void SizesAreHexWithAtMostSixteenDigits(string size) =>
        Assert.Contains("body 0123456789", Accepts(Chunked($"{size}\r\n0123456789\r\n0\r\n\r\n")));

    [Theory]
    [InlineData("+5", "error 400 invalid chunk size")]
    [InlineData("-5", "error 400 invalid chunk size")]
    [InlineData(" 5", "error 400 invalid chunk size")]
    [InlineData("", "error 400 invalid chunk size")]
    [InlineData("g", "error 400 invalid chunk size")]
    [InlineData("0x5", "error 400 invalid chunk extension")]
    [InlineData("5 ", "error 400 invalid chunk extension")]
    [InlineData("5\t", "error 400 invalid chunk extension")]
    [InlineData("0000000000000000a", "error 400 chunk size too long")]
    public void MalformedChunkSizesAre400(string size, string error) =>
        Assert.Equal(error, Rejects(Chunked($"{size}\r\nhello\r\n0\r\n\r\n"), 400));

    [Theory]
    [InlineData("ffffffffffffffff")]
    [InlineData("7fffffffffffffff")]
    public void HugeChunkSizesAre413(string size) =>
        Assert.Equal("error 413 body larger than the limit", Rejects(Chunked($"{size}\r\nhello\r\n"), 413));

    [Theory]
    [InlineData(";a")]
    [InlineData(";a=b")]
    [InlineData(";a=b;c;d=e")]
    [InlineData(" ; a = b ;\tc")]
    [InlineData(";a=\"quoted value\"")]
    [InlineData(";a=\"with \\\" escape\"")]
    [InlineData(";a=\"\"")]
    [InlineData(";a=\"obs\u00e9text\"")]
    public void ExtensionsFollowTheGrammar(string extension)
    {
        Assert.Contains("body hello", Accepts(Chunked($"5{extension}\r\nhello\r\n0{extension}\r\n\r\n")));
    }

    [Theory]
    [InlineData(";")]
    [InlineData(";=b")]
    [InlineData(";a=")]
    [InlineData(";a b")]
    [InlineData(";a=b c")]
    [InlineData(";a=\"unterminated")]
    [InlineData(";a=\"bad\u0001char\"")]
    [InlineData(";a=\"trailing\\")]
    [InlineData(";a ")]
    [InlineData(";a=b ")]
    [InlineData("x")]
    [InlineData(";a=(b)")]
    [InlineData(";a\u0000")]
    public void ExtensionsOutsideTheGrammarAre400(string extension) =>
        Assert.Equal("error 400 invalid chunk extension", Rejects(Chunked($"5{extension}\r\nhello\r\n0\r\n\r\n"), 400));

    // The 2025 wave (CVE-2025-55315 in Kestrel, and the same in Netty, Go and h11) and the earlier
    // TERM.EXT vectors: a lone LF or CR where a chunk line ends lets two parsers disagree on where the
    // chunk data starts. Each is refused.
    [Theory]
    [InlineData("5;\nhello\r\n0\r\n\r\n", "error 400 bare LF")]
    [InlineData("5;a\nhello\r\n0\r\n\r\n", "error 400 bare LF")]
    [InlineData("5;a=\"x\nhello\r\n0\r\n\r\n", "error 400 bare LF")]
    [InlineData("5\nhello\r\n0\r\n\r\n", "error 400 bare LF")]
    [InlineData("5;a\rX\r\nhello\r\n0\r\n\r\n", "error 400 bare CR")]
    [InlineData("5;a=\"\r\"\r\nhello\r\n0\r\n\r\n", "error 400 bare CR")]
    [InlineData("5\r\nhello\n0\r\n\r\n", "error 400 chunk data not followed by CRLF")]
    [InlineData("5\r\nhello\r0\r\n\r\n", "error 400 chunk data not followed by CRLF")]
    [InlineData("5\r\nhelloXX\r\n0\r\n\r\n", "error 400 chunk data not followed by CRLF")]
    [InlineData("5\r\nhello\r\n0\n\r\n", "error 400 bare LF")]
    [InlineData("5\r\nhello\r\n0\r\n\n", "error 400 bare LF")]
    [InlineData("5\r\nhello\r\n0\r\nX: y\n\r\n", "error 400 bare LF")]
    public void BareCrOrLfInChunkLinesIs400(string body, string error) => Assert.Equal(error, Rejects(Chunked(body), 400));

    [Fact]
    public void TrailersAreParsedAndReported()
    {
        var events = Accepts(Chunked("5\r\nhello\r\n0\r\nX-Checksum: abc \r\nX-Other:\td\r\n\r\n"));
        Assert.Equal(["body hello", "trailer X-Checksum: abc", "trailer X-Other: d", "complete", "more"], events[^5..]);
    }

    [Theory]
    [InlineData("X : y\r\n", "error 400 whitespace before colon")]
    [InlineData("X: y\r\n z\r\n", "error 400 obsolete line folding")]
    [InlineData("X(: y\r\n", "error 400 invalid field name")]
    [InlineData("X: a\u0000\r\n", "error 400 invalid field value")]
    [InlineData("X: a\rb\r\n", "error 400 bare CR")]
    [InlineData("no colon\r\n", "error 400 field line without a colon")]
    public void TrailersFollowTheHeaderRules(string trailer, string error) =>
        Assert.Equal(error, Rejects(Chunked($"0\r\n{trailer}\r\n"), 400));

    [Fact]
    public void TrailersHaveTheHeaderLimits()
    {
        var options = new HttpParserOptions { MaxHeaderCount = 3, MaxHeaderBytes = 64 };
        var fields = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        Accepts(fields + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", options);
        Assert.Equal("error 431 too many trailer fields", Rejects(fields + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431, options));
        Assert.Equal("error 431 trailer section too large", Rejects(fields + "0\r\nA: " + new string('x', 70) + "\r\n\r\n", 431, options));
    }

    [Fact]
    public void ChunkExtensionsHaveABudgetPerMessage()
    {
        var options = new HttpParserOptions { MaxChunkExtensionBytes = 20 };
        // "1;e=0123456\r" is 12 bytes: under the 17 free ones, so it costs nothing however often it comes.
        Accepts(Chunked(string.Concat(Enumerable.Repeat("1;e=0123456\r\nx\r\n", 50)) + "0\r\n\r\n"), options);
        // Each "1;e=0123456789012\r" is 18 bytes and costs 1: twenty fit the budget of 20, twenty-one do not.
        Accepts(Chunked(string.Concat(Enumerable.Repeat("1;e=0123456789012\r\nx\r\n", 20)) + "0\r\n\r\n"), options);
        Assert.Equal("error 400 chunk extensions too long",
            Rejects(Chunked(string.Concat(Enumerable.Repeat("1;e=0123456789012\r\nx\r\n", 21)) + "0\r\n\r\n"), 400, options));
        // One long extension, even one never terminated.
        Assert.Equal("error 400 chunk extensions too long", Rejects(Chunked("1;e=" + new string('a', 40) + "\r\nx\r\n0\r\n\r\n"), 400, options));
        Assert.Equal("error 400 chunk extensions too long", Rejects(Chunked("1;e=" + new string('a', 4000)), 400, options));
    }

    [Fact]
    public void TheExtensionBudgetIsPerMessage()
    {
        var options = new HttpParserOptions { MaxChunkExtensionBytes = 20 };
        var one = Chunked(string.Concat(Enumerable.Repeat("1;e=0123456789012\r\nx\r\n", 20)) + "0\r\n\r\n");
        Assert.Equal(2, All(one + one, options).Count(e => e == "complete"));
    }

    [Fact]
    public void ChunkedBodiesCrossingTheLimitAre413AtTheChunkThatCrossesIt()
    {
        var options = new HttpParserOptions { MaxBodySize = 10 };
        Assert.Contains("body helloworld", Accepts(Chunked("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), options));
        var events = All(Chunked("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"), options);
        Assert.Equal(["body hello", "error 413 body larger than the limit"], events[^2..]);
    }
}
