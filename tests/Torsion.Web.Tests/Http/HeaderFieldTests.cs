using Torsion.Web.Http;
using static Torsion.Web.Tests.Http.ParserRun;

namespace Torsion.Web.Tests.Http;

/// <summary>Field lines (RFC 9112 §5, RFC 9110 §5): names, values, whitespace, line endings, Host and Connection.</summary>
public sealed class HeaderFieldTests
{
    private static string Request(string fields) => "GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n";

    [Fact]
    public void ValuesLoseSurroundingWhitespaceOnly()
    {
        var events = Accepts(Request("X-A:  a  b \t\r\nX-B:\r\nX-C:c\r\nX-D: tab\tinside \u00e9obs-text\r\n"));
        Assert.Contains("header X-A: a  b", events);
        Assert.Contains("header X-B: ", events);
        Assert.Contains("header X-C: c", events);
        Assert.Contains("header X-D: tab\tinside \u00e9obs-text", events);
    }

    [Theory]
    [InlineData("X-A : v\r\n")]
    [InlineData("X-A\t: v\r\n")]
    [InlineData("Host : h\r\n")]
    public void WhitespaceBeforeTheColonIs400(string field) =>
        Assert.Equal("error 400 whitespace before colon", Rejects(Request(field), 400));

    [Theory]
    [InlineData("X-A: v\r\n continued\r\n")]
    [InlineData("X-A: v\r\n\tcontinued\r\n")]
    public void ObsoleteLineFoldingIs400(string fields) =>
        Assert.Equal("error 400 obsolete line folding", Rejects(Request(fields), 400));

    [Fact]
    public void WhitespaceBeforeTheFirstFieldIs400() =>
        Assert.Equal("error 400 obsolete line folding", Rejects("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400));

    [Theory]
    [InlineData("X(A: v\r\n")]
    [InlineData("X A: v\r\n")]
    [InlineData("X\u00e9: v\r\n")]
    [InlineData("X/A: v\r\n")]
    [InlineData("X\u0000: v\r\n")]
    [InlineData("[X]: v\r\n")]
    public void InvalidTokenCharactersInANameAre400(string field) =>
        Assert.Equal("error 400 invalid field name", Rejects(Request(field), 400));

    [Theory]
    [InlineData(": v\r\n", "error 400 empty field name")]
    [InlineData("NoColon\r\n", "error 400 field line without a colon")]
    public void AFieldLineNeedsANameAndAColon(string field, string error) => Assert.Equal(error, Rejects(Request(field), 400));

    [Theory]
    [InlineData("X-A: a\u0000b\r\n")]
    [InlineData("X-A: a\u0001b\r\n")]
    [InlineData("X-A: a\u001bb\r\n")]
    [InlineData("X-A: a\u007fb\r\n")]
    [InlineData("X-A: \u000b\r\n")]
    public void ControlCharactersOtherThanHtabInAValueAre400(string field) =>
        Assert.Equal("error 400 invalid field value", Rejects(Request(field), 400));

    [Theory]
    [InlineData("X-A: a\rb\r\n", "error 400 bare CR")]
    [InlineData("X-A: a\r\r\n", "error 400 bare CR")]
    [InlineData("X-A: a\nX-B: b\r\n", "error 400 bare LF")]
    [InlineData("X-A: a\n", "error 400 bare LF")]
    public void FieldLinesEndInCrlfOnly(string field, string error) => Assert.Equal(error, Rejects(Request(field), 400));

    [Fact]
    public void TheHeaderSectionEndsInCrlfOnly() =>
        Assert.Equal("error 400 bare LF", Rejects("GET / HTTP/1.1\r\nHost: h\r\n\n", 400));

    [Fact]
    public void Http11WithoutHostIs400() =>
        Assert.Equal("error 400 missing Host", Rejects("GET / HTTP/1.1\r\nX: y\r\n\r\n", 400));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n")]
    [InlineData("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")]
    public void MoreThanOneHostIs400(string raw) => Assert.Equal("error 400 repeated Host", Rejects(raw, 400));

    [Theory]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a@b")]
    [InlineData("a\"b")]
    public void AHostThatIsNoAuthorityIs400(string host) =>
        Assert.Equal("error 400 invalid Host", Rejects($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n", 400));

    [Theory]
    [InlineData("")]
    [InlineData("example.com:8080")]
    [InlineData("[::1]:80")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("HOST")]
    public void AnEmptyOrAuthorityHostIsAccepted(string host) => Accepts($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");

    [Theory]
    [InlineData("HTTP/1.1", "", true)]
    [InlineData("HTTP/1.1", "Connection: close\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: Upgrade, Close\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: keep-alive\r\n", true)]
    [InlineData("HTTP/1.0", "", false)]
    [InlineData("HTTP/1.0", "Connection: Keep-Alive\r\n", true)]
    [InlineData("HTTP/1.0", "Connection: keep-alive\r\nConnection: close\r\n", false)]
    public void PersistenceFollowsVersionAndConnection(string version, string fields, bool keepAlive)
    {
        var events = Accepts($"GET / {version}\r\nHost: h\r\n{fields}\r\n");
        Assert.Contains($"keepAlive={keepAlive}", events.Single(e => e.StartsWith("headers ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderNamesKeepTheirCaseAndOrder()
    {
        var events = Accepts("GET / HTTP/1.1\r\nhOsT: h\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n");
        Assert.Equal(["header hOsT: h", "header X-Dup: 1", "header x-dup: 2"], events.Where(e => e.StartsWith("header ", StringComparison.Ordinal)));
    }

    [Fact]
    public void FieldsArriveBeforeHeadersComplete()
    {
        var handler = new RecordingHandler();
        var parser = new HttpRequestParser(handler);
        Assert.Equal(HttpParseStatus.NeedMoreData, parser.Parse(Bytes("GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n"), out _));
        Assert.Equal("header X: 1", handler.Events[^1]);
    }
}
