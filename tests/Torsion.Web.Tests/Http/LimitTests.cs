using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>Each limit of <see cref="HttpParserOptions"/>, at its edge, with its status code (the body and chunk-extension limits are in FramingTests and ChunkedTests).</summary>
public sealed class LimitTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var options = new HttpParserOptions();
        Assert.Equal(8192, options.MaxRequestLineLength);
        Assert.Equal(100, options.MaxHeaderCount);
        Assert.Equal(32 * 1024, options.MaxHeaderBytes);
        Assert.Equal(30_000_000, options.MaxBodySize);
        Assert.Equal(4096, options.MaxChunkExtensionBytes);
    }

    [Fact]
    public void RequestLineLongerThanTheLimitIs414()
    {
        var options = new HttpParserOptions { MaxRequestLineLength = 32 };
        var exactly32 = "GET /" + new string('a', 18) + " HTTP/1.1";
        Assert.Equal(32, exactly32.Length);
        Accepts(exactly32 + "\r\nHost: h\r\n\r\n", options);
        Assert.Equal("error 414 request line too long", Rejects("GET /" + new string('a', 19) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, options));
    }

    [Fact]
    public void AnUnterminatedRequestLineIs414AsSoonAsItIsTooLong()
    {
        var options = new HttpParserOptions { MaxRequestLineLength = 32 };
        Assert.Equal("error 414 request line too long", Rejects("GET /" + new string('a', 100), 414, options));
        Assert.Equal("error 414 request line too long", Rejects(new string('\u0000', 100), 414, options));
    }

    [Fact]
    public void TheDefaultRequestLineLimitIs8192()
    {
        Accepts("GET /" + new string('a', 8192 - 14) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        Rejects("GET /" + new string('a', 8192 - 13) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
    }

    [Fact]
    public void MoreHeaderFieldsThanTheLimitIs431()
    {
        var options = new HttpParserOptions { MaxHeaderCount = 3 };
        Accepts("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", options);
        Assert.Equal("error 431 too many header fields", Rejects("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431, options));
    }

    [Fact]
    public void AHeaderSectionLargerThanTheLimitIs431()
    {
        // The section counts every field line with its CRLF and the final CRLF: 9 + 9 + 2 = 20 bytes.
        const string fields = "Host: h\r\nX: 1234\r\n\r\n";
        Assert.Equal(20, fields.Length);
        Accepts("GET / HTTP/1.1\r\n" + fields, new HttpParserOptions { MaxHeaderBytes = 20 });
        Assert.Equal("error 431 header section too large", Rejects("GET / HTTP/1.1\r\n" + fields, 431, new HttpParserOptions { MaxHeaderBytes = 19 }));
    }

    [Fact]
    public void AnEndlessHeaderLineIs431AsSoonAsItIsTooLarge() =>
        Assert.Equal("error 431 header section too large", Rejects("GET / HTTP/1.1\r\nHost: h\r\nX: " + new string('a', 40_000), 431));

    [Fact]
    public void LimitsAreCheckedBeforeContentWhateverTheSplit()
    {
        // Too long and invalid at once: every split gives the limit's verdict, not the syntax one.
        var options = new HttpParserOptions { MaxHeaderBytes = 40 };
        Assert.Equal("error 431 header section too large", Rejects("GET / HTTP/1.1\r\nHost: h\r\nX\u0000: " + new string('a', 60) + "\r\n\r\n", 431, options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveLimitsAreRefused(int value)
    {
        var options = new HttpParserOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxRequestLineLength = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxHeaderCount = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxHeaderBytes = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxChunkExtensionBytes = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBodySize = -1);
    }
}
