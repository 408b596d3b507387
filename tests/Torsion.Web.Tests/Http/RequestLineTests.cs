using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>The request line (RFC 9112 §3): method token, single spaces, target forms, version. Every case is fed whole, byte by byte and at random splits.</summary>
public sealed class RequestLineTests
{
    [Fact]
    public void SimpleGetGivesItsEventsInOrder()
    {
        var events = Accepts("GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        Assert.Equal(
            ["line GET /index.html?q=1 Http11 Origin", "header Host: example.com", "headers None -1 keepAlive=True Http11", "complete", "more"],
            events);
    }

    [Theory]
    [InlineData("OPTIONS * HTTP/1.1", "line OPTIONS * Http11 Asterisk")]
    [InlineData("GET http://example.com/a?b HTTP/1.1", "line GET http://example.com/a?b Http11 Absolute")]
    [InlineData("GET svn+ssh://h/x HTTP/1.1", "line GET svn+ssh://h/x Http11 Absolute")]
    [InlineData("CONNECT example.com:443 HTTP/1.1", "line CONNECT example.com:443 Http11 Authority")]
    [InlineData("CONNECT [::1]:8080 HTTP/1.1", "line CONNECT [::1]:8080 Http11 Authority")]
    [InlineData("PROPFIND /dav HTTP/1.1", "line PROPFIND /dav Http11 Origin")]
    [InlineData("M-SEARCH * HTTP/1.1", null)]
    public void TargetFormsAreRecognised(string requestLine, string? expected)
    {
        var raw = requestLine + "\r\nHost: h\r\n\r\n";
        if (expected is null)
        {
            // asterisk-form is for OPTIONS only.
            Rejects(raw, 400);
            return;
        }
        Assert.Equal(expected, Accepts(raw)[0]);
    }

    [Theory]
    [InlineData("GET * HTTP/1.1")]
    [InlineData("CONNECT /path HTTP/1.1")]
    [InlineData("CONNECT example.com HTTP/1.1")]
    [InlineData("CONNECT example.com: HTTP/1.1")]
    [InlineData("CONNECT example.com:123456 HTTP/1.1")]
    [InlineData("CONNECT user@example.com:80 HTTP/1.1")]
    [InlineData("GET example.com/x HTTP/1.1")]
    [InlineData("GET 1http://x/ HTTP/1.1")]
    [InlineData("GET /a#frag HTTP/1.1")]
    [InlineData("GET /a\u007f HTTP/1.1")]
    [InlineData("GET /caf\u00e9 HTTP/1.1")]
    [InlineData("GET /a\u0000 HTTP/1.1")]
    public void BadTargetsAre400(string requestLine) => Rejects(requestLine + "\r\nHost: h\r\n\r\n", 400);

    [Theory]
    [InlineData("G(T / HTTP/1.1")]
    [InlineData("GET\u0001 / HTTP/1.1")]
    [InlineData("G\u00c9T / HTTP/1.1")]
    [InlineData("GE,T / HTTP/1.1")]
    [InlineData("\"GET\" / HTTP/1.1")]
    public void InvalidTokenCharactersInTheMethodAre400(string requestLine) =>
        Assert.Equal("error 400 invalid method", Rejects(requestLine + "\r\nHost: h\r\n\r\n", 400));

    [Theory]
    [InlineData("GET  / HTTP/1.1")]
    [InlineData(" GET / HTTP/1.1")]
    [InlineData("GET /  HTTP/1.1")]
    [InlineData("GET / HTTP/1.1 ")]
    [InlineData("GET\t/ HTTP/1.1")]
    [InlineData("GET /")]
    [InlineData("GET")]
    [InlineData("GET / HTTP/1.1 extra")]
    public void OnlySingleSpacesSeparateTheThreeParts(string requestLine) => Rejects(requestLine + "\r\nHost: h\r\n\r\n", 400);

    [Theory]
    [InlineData("HTTP/2.0")]
    [InlineData("HTTP/0.9")]
    [InlineData("HTTP/1.2")]
    [InlineData("HTTP/3.0")]
    public void WellFormedOtherVersionsAre505(string version) =>
        Assert.Equal("error 505 HTTP version not supported", Rejects($"GET / {version}\r\nHost: h\r\n\r\n", 505));

    [Theory]
    [InlineData("http/1.1")]
    [InlineData("HTTP/1.10")]
    [InlineData("HTTP/11")]
    [InlineData("HTTP/1.x")]
    [InlineData("HTTPS/1.1")]
    [InlineData("HTTP/ 1.1")]
    public void MalformedVersionsAre400(string version) =>
        Assert.Equal("error 400 malformed HTTP version", Rejects($"GET / {version}\r\nHost: h\r\n\r\n", 400));

    [Fact]
    public void Http10NeedsNoHostAndIsNotPersistentByDefault()
    {
        Assert.Equal(["line GET / Http10 Origin", "headers None -1 keepAlive=False Http10", "complete", "more"], Accepts("GET / HTTP/1.0\r\n\r\n"));
    }

    [Fact]
    public void EmptyLinesBeforeTheRequestLineAreIgnored()
    {
        Assert.Equal("line GET / Http11 Origin", Accepts("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")[0]);
    }

    [Fact]
    public void EmptyLinesBeforeTheRequestLineCountAgainstItsLimit()
    {
        var options = new Torsion.Web.Http.HttpParserOptions { MaxRequestLineLength = 20 };
        Accepts("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", options);
        Rejects(string.Concat(Enumerable.Repeat("\r\n", 9)) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 414, options);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\nHost: h\r\n\r\n", "error 400 bare LF")]
    [InlineData("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", "error 400 bare LF")]
    [InlineData("GET / HTTP/1.1\r\rHost: h\r\n\r\n", "error 400 bare CR")]
    [InlineData("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", "error 400 bare CR")]
    public void TheRequestLineEndsInCrlfOnly(string raw, string error) => Assert.Equal(error, Rejects(raw, 400));
}
