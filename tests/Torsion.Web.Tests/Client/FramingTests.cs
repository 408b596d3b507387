using System.Text;
using Torsion.Defer;
using Torsion.Web.Client;
using Torsion.Web.Http;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>The agent against raw servers: each way a response body can be framed, and each way it can go wrong.</summary>
public sealed class FramingTests
{
    private static Deferred<(Response Response, BodyRecorder Body, Exception End)> Fetch(Torsion.Internet.IReactor reactor, string url, string method = "GET")
    {
        var agent = new Agent(reactor);
        return agent.Request(method, url).AddCallback(response =>
        {
            var body = new BodyRecorder();
            response.DeliverBody(body);
            return body.Ended.AddCallback(end => (response, body, end));
        });
    }

    [Fact]
    public void ContentLengthBodyEndsWithResponseDone()
    {
        using var server = RawServer.Answering(_ => "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: yes\r\n\r\nhello");
        var (response, body, end) = Run(r => Fetch(r, server.Url("/path?q=1")));
        Assert.Equal(200, response.Code);
        Assert.Equal("OK", response.Phrase);
        Assert.Equal(5, response.Length);
        Assert.Equal("yes", response.Headers.Get("x-test"));
        Assert.Equal(HttpProtocolVersion.Http11, response.Version);
        Assert.Equal("hello", body.Text);
        Assert.IsType<ResponseDoneException>(end);
        var request = Assert.Single(server.RequestsSoFar());
        Assert.Equal("GET /path?q=1 HTTP/1.1", request.Line);
        Assert.Equal($"127.0.0.1:{server.Port}", request.Field("host"));
    }

    [Fact]
    public void ChunkedBodyIsDechunked()
    {
        using var server = RawServer.Answering(_ => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n");
        var (response, body, end) = Run(r => Fetch(r, server.Url()));
        Assert.Equal(-1, response.Length);
        Assert.Equal("hello, world", body.Text);
        Assert.IsType<ResponseDoneException>(end);
    }

    [Fact]
    public void CloseDelimitedBodyEndsWithPotentialDataLossAndReadBodyAcceptsIt()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
        });
        var (response, body, end) = Run(r => Fetch(r, server.Url()));
        Assert.Equal(HttpProtocolVersion.Http10, response.Version);
        Assert.Equal("all of it", body.Text);
        Assert.IsType<PotentialDataLossException>(end);
        var bytes = Run(r => new Agent(r).Request("GET", server.Url()).AddCallback(WebClient.ReadBody));
        Assert.Equal("all of it", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void ServerClosingMidBodyFailsTheBodyWithConnectionLost()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
        });
        var (_, body, end) = Run(r => Fetch(r, server.Url()));
        Assert.Equal("only part", body.Text);
        var failed = Assert.IsType<ResponseFailedException>(end);
        Assert.Contains("before the response body was complete", failed.Message, StringComparison.Ordinal);
        var error = Failure(r => new Agent(r).Request("GET", server.Url()).AddCallback(WebClient.ReadBody));
        Assert.IsType<ResponseFailedException>(error);
    }

    [Fact]
    public void ServerClosingBeforeAnsweringFailsTheRequest()
    {
        using var server = new RawServer(async (c, _) => await c.ReadRequestAsync());
        var error = Failure(r => new Agent(r).Request("GET", server.Url()));
        Assert.Contains("before the response arrived", Assert.IsType<ResponseFailedException>(error).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "conflicting Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Transfer-Encoding with Content-Length")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 5\n\nhello", "bare LF")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n", "obsolete line folding")]
    [InlineData("HTTP/2.0 200 OK\r\n\r\n", "HTTP version not supported")]
    [InlineData("SPDY/1.1 200 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size")]
    public void MalformedResponseFailsClearly(string raw, string reason)
    {
        using var server = RawServer.Answering(_ => raw);
        var error = Failure(r => new Agent(r).Request("GET", server.Url()).AddCallback(WebClient.ReadBody));
        var failed = Assert.IsType<ResponseFailedException>(error);
        Assert.Equal($"Malformed HTTP response: {reason}.", failed.Message);
    }

    [Fact]
    public void InterimResponsesBeforeTheFinalOneAreSkipped()
    {
        using var server = RawServer.Answering(_ =>
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" + RawServer.Ok("final"));
        var (response, body, _) = Run(r => Fetch(r, server.Url()));
        Assert.Equal(200, response.Code);
        Assert.Null(response.Headers.Get("Link"));
        Assert.Equal("final", body.Text);
    }

    [Fact]
    public void HeadResponseHasNoBodyWhateverItsContentLength()
    {
        using var server = RawServer.Answering(_ => "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        var (response, body, end) = Run(r => Fetch(r, server.Url(), "HEAD"));
        Assert.Equal(0, response.Length);
        Assert.Equal("", body.Text);
        Assert.IsType<ResponseDoneException>(end);
    }

    [Fact]
    public void NoContentResponseIsCompleteBeforeItsBodyIsDelivered()
    {
        using var server = RawServer.Answering(_ => "HTTP/1.1 204 No Content\r\n\r\n");
        var idle = -1;
        var (response, body, end) = Run(r =>
        {
            var agent = new Agent(r);
            // The body is delivered a turn later: the end must have been kept for it.
            return agent.Request("GET", server.Url()).AddCallback(response =>
            {
                var wait = new Deferred<Response>();
                r.CallLater(0.05, () => wait.Callback(response));
                return wait;
            }).AddCallback(response =>
            {
                var recorder = new BodyRecorder();
                response.DeliverBody(recorder);
                return recorder.Ended.AddCallback(end =>
                {
                    idle = agent.Pool.IdleConnections;
                    return (response, recorder, end);
                });
            });
        });
        Assert.Equal(204, response.Code);
        Assert.Equal("", body.Text);
        Assert.IsType<ResponseDoneException>(end);
        Assert.Equal(1, idle);
    }

    [Fact]
    public void BodyDeliveredLateAfterTheServerClosedIsStillComplete()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync(RawServer.Ok("late but whole", "Connection: close\r\n"));
        });
        var text = Run(r => new Agent(r).Request("GET", server.Url()).AddCallback(response =>
        {
            var wait = new Deferred<byte[]>();
            // Long enough for the close to arrive before the body is asked for.
            r.CallLater(0.3, () => WebClient.ReadBody(response).AddBoth<Torsion.Defer.Unit>(o =>
            {
                if (o.Succeeded)
                {
                    wait.Callback(o.Value);
                }
                else
                {
                    wait.Errback(o.Failure!);
                }
                return Torsion.Defer.Unit.Value;
            }));
            return wait;
        }));
        Assert.Equal("late but whole", Encoding.UTF8.GetString(text));
    }

    [Fact]
    public void DeliveringTheBodyTwiceIsRefused()
    {
        using var server = RawServer.Answering(_ => RawServer.Ok("x"));
        var error = Failure(r => new Agent(r).Request("GET", server.Url()).AddCallback(response =>
        {
            WebClient.ReadBody(response);
            return WebClient.ReadBody(response);
        }));
        Assert.IsType<InvalidOperationException>(error);
    }
}
