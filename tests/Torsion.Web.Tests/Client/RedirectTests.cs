using System.Text;
using Torsion.Defer;
using Torsion.Web.Client;
using Torsion.Web.Http;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>Redirect following: the method and body rules per status, the limit, and credentials kept to their origin.</summary>
public sealed class RedirectTests
{
    private static AgentOptions Follow => new() { FollowRedirects = true };

    // Redirects /start with the given status to /end; /end answers with what it received.
    private static RawServer Redirecting(int status) => RawServer.Answering(r => r.Target == "/start"
        ? $"HTTP/1.1 {status} Moved\r\nLocation: /end\r\nContent-Length: 7\r\n\r\nmovedit"
        : RawServer.Ok($"{r.Method} {r.Target} body={r.BodyText}"));

    private static Deferred<(Response Response, string Body)> Send(Torsion.Internet.IReactor reactor, string method, string url, IBodyProducer? body = null, Headers? headers = null, AgentOptions? options = null) =>
        new Agent(reactor, options ?? Follow).Request(method, url, headers, body)
            .AddCallback(r => WebClient.ReadBody(r).AddCallback(b => (r, Encoding.UTF8.GetString(b))));

    [Theory]
    [InlineData(301, "GET", "GET /end body=")]
    [InlineData(302, "GET", "GET /end body=")]
    [InlineData(303, "GET", "GET /end body=")]
    [InlineData(307, "GET", "GET /end body=")]
    [InlineData(308, "GET", "GET /end body=")]
    [InlineData(301, "POST", "GET /end body=")]
    [InlineData(302, "POST", "GET /end body=")]
    [InlineData(303, "POST", "GET /end body=")]
    [InlineData(303, "PUT", "GET /end body=")]
    [InlineData(307, "POST", "POST /end body=payload")]
    [InlineData(308, "POST", "POST /end body=payload")]
    [InlineData(308, "PUT", "PUT /end body=payload")]
    public void RedirectsFollowTheMethodRules(int status, string method, string expected)
    {
        using var server = Redirecting(status);
        var body = method == "GET" ? null : new BytesBodyProducer("payload"u8.ToArray());
        var (response, text) = Run(r => Send(r, method, server.Url("/start"), body));
        Assert.Equal(expected, text);
        Assert.Equal(200, response.Code);
        Assert.Equal(server.Url("/end"), response.RequestUri.ToString());
        Assert.Equal(status, response.PreviousResponse?.Code);
        // The redirect's body was read to the end, so one connection carried both.
        Assert.Equal(1, server.Accepted);
        if (expected.StartsWith("GET", StringComparison.Ordinal))
        {
            Assert.Null(server.RequestsSoFar()[^1].Field("content-length"));
        }
    }

    [Fact]
    public void RedirectIsNotFollowedUnlessAsked()
    {
        using var server = Redirecting(302);
        var (response, text) = Run(r => Send(r, "GET", server.Url("/start"), options: new AgentOptions()));
        Assert.Equal(302, response.Code);
        Assert.Equal("movedit", text);
    }

    [Fact]
    public void A307WithABodyThatCannotBeReplayedIsReturnedAsIs()
    {
        using var server = Redirecting(307);
        var stream = new OneWayStream(Encoding.UTF8.GetBytes("once only"));
        var (response, _) = Run(r => Send(r, "POST", server.Url("/start"), new StreamBodyProducer(r, stream)));
        Assert.Equal(307, response.Code);
        Assert.Equal("once only", server.RequestsSoFar()[0].BodyText);
    }

    [Fact]
    public void TooManyRedirectsFail()
    {
        using var server = RawServer.Answering(r => $"HTTP/1.1 302 Found\r\nLocation: /again{r.Target.Length}\r\nContent-Length: 0\r\n\r\n");
        var error = Failure(r => Send(r, "GET", server.Url("/"), options: new AgentOptions { FollowRedirects = true, MaxRedirects = 3 }));
        Assert.IsType<TooManyRedirectsException>(error);
        Assert.Equal(4, server.RequestsSoFar().Count);
    }

    [Fact]
    public void CredentialsAreNotForwardedToAnotherOrigin()
    {
        using var other = RawServer.Answering(r => RawServer.Ok($"auth={r.Field("authorization")} cookie={r.Field("cookie")} x={r.Field("x-keep")} host={r.Field("host")}"));
        using var first = RawServer.Answering(r => r.Target == "/same"
            ? "HTTP/1.1 302 Found\r\nLocation: /echo\r\nContent-Length: 0\r\n\r\n"
            : r.Target == "/echo"
                ? RawServer.Ok($"auth={r.Field("authorization")} cookie={r.Field("cookie")}")
                : $"HTTP/1.1 302 Found\r\nLocation: {other.Url("/")}\r\nContent-Length: 0\r\n\r\n");
        var headers = new Headers { };
        headers.Add("Authorization", "Bearer secret");
        headers.Add("Cookie", "session=1");
        headers.Add("X-Keep", "kept");
        var (_, sameOrigin) = Run(r => Send(r, "GET", first.Url("/same"), headers: headers));
        Assert.Equal("auth=Bearer secret cookie=session=1", sameOrigin);
        var (_, otherOrigin) = Run(r => Send(r, "GET", first.Url("/away"), headers: headers));
        Assert.Equal($"auth= cookie= x=kept host=127.0.0.1:{other.Port}", otherOrigin);
    }
}
