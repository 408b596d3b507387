using System.Text;
using Torsion.Web.Http;
using Torsion.Web.WebSocket;

namespace Torsion.Web.Tests.WebSocket;

/// <summary><see cref="WebSocketHandshake.CheckRequest"/> as a function: what it accepts, refuses, and answers.</summary>
public sealed class HandshakeTests
{
    private static Headers Request(params (string Name, string Value)[] extra)
    {
        var headers = new Headers
        {
            { "Host", "example.com" },
            { "Upgrade", "websocket" },
            { "Connection", "keep-alive, Upgrade" },
            { "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==" },
            { "Sec-WebSocket-Version", "13" },
        };
        foreach (var (name, value) in extra)
        {
            headers.Set(name, value);
        }
        return headers;
    }

    [Fact]
    public void TheRfcExampleKeyGivesTheRfcAcceptValue() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="));

    [Fact]
    public void NewKeysAreBase64Of16RandomBytes()
    {
        var a = WebSocketHandshake.NewKey();
        Assert.Equal(16, Convert.FromBase64String(a).Length);
        Assert.NotEqual(a, WebSocketHandshake.NewKey());
    }

    [Fact]
    public void AValidRequestIsAcceptedWithTheHeadersToSend()
    {
        var result = WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, Request(("Upgrade", "WebSocket")));
        Assert.True(result.IsAccepted);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", result.ResponseHeaders.Get("Sec-WebSocket-Accept"));
        Assert.Null(result.Subprotocol);
        var text = Encoding.Latin1.GetString(result.FormatResponse());
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", text);
        Assert.EndsWith("\r\n\r\n", text);
        Assert.DoesNotContain("Content-Length", text);
    }

    [Fact]
    public void TheServersFirstPreferenceAmongTheOfferedIsChosen()
    {
        var headers = Request(("Sec-WebSocket-Protocol", "b, c"));
        headers.Add("Sec-WebSocket-Protocol", "a");
        Assert.Equal("a", WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, headers, ["x", "a", "b"]).Subprotocol);
        Assert.Null(WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, headers, ["x"]).Subprotocol);
        Assert.Null(WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, headers, ["A"]).Subprotocol); // names are case-sensitive
    }

    [Theory]
    [InlineData("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ")] // not padded base64
    [InlineData("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZXg=")] // 17 bytes
    [InlineData("Sec-WebSocket-Key", "")]
    [InlineData("Upgrade", "h2c")]
    [InlineData("Connection", "keep-alive")]
    public void BadFieldsAre400(string name, string value) =>
        Assert.Equal(400, WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, Request((name, value))).StatusCode);

    [Fact]
    public void TwoKeysAre400()
    {
        var headers = Request();
        headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        Assert.Equal(400, WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, headers).StatusCode);
    }

    [Fact]
    public void AnotherVersionIs426NamingVersion13()
    {
        var result = WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, Request(("Sec-WebSocket-Version", "8")));
        Assert.Equal(426, result.StatusCode);
        Assert.Equal("13", result.ResponseHeaders.Get("Sec-WebSocket-Version"));
        var text = Encoding.Latin1.GetString(result.FormatResponse());
        Assert.StartsWith("HTTP/1.1 426 Upgrade Required\r\n", text);
        Assert.Contains("Sec-WebSocket-Version: 13\r\n", text);
        Assert.Contains("Connection: close\r\n", text);
    }

    [Fact]
    public void MethodVersionAndBodyAreChecked()
    {
        Assert.Equal(400, WebSocketHandshake.CheckRequest("POST", HttpProtocolVersion.Http11, Request()).StatusCode);
        Assert.Equal(400, WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http10, Request()).StatusCode);
        Assert.Equal(400, WebSocketHandshake.CheckRequest("GET", HttpProtocolVersion.Http11, Request(), hasBody: true).StatusCode);
        Assert.True(WebSocketHandshake.IsUpgradeRequest(Request()));
        Assert.False(WebSocketHandshake.IsUpgradeRequest(new Headers { { "Host", "x" } }));
    }
}
