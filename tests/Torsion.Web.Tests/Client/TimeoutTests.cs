using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>The whole-request timeout: it stops the wait for a response, and a body that stalls.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public void ServerThatNeverAnswersTimesOut()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WaitClosedAsync(TimeSpan.FromSeconds(30));
        });
        var started = 0.0;
        var failedAt = 0.0;
        var error = Failure(r =>
        {
            started = r.Seconds();
            return new Agent(r, new AgentOptions { Timeout = 0.5 }).Request("GET", server.Url()).AddErrback(f =>
            {
                failedAt = r.Seconds();
                return f;
            });
        });
        Assert.IsType<RequestTimeoutException>(error);
        // A timer never fires early: a lower bound only.
        Assert.True(failedAt - started >= 0.5, $"failed after {failedAt - started}s");
    }

    [Fact]
    public void StalledBodyTimesOut()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
            await c.WaitClosedAsync(TimeSpan.FromSeconds(30));
        });
        var error = Failure(r => new Agent(r, new AgentOptions { Timeout = 0.5 }).Request("GET", server.Url()).AddCallback(WebClient.ReadBody));
        Assert.IsType<RequestTimeoutException>(error);
    }

    [Fact]
    public void ConnectThatNeverCompletesTimesOut()
    {
        // A resolver that never answers holds the connect in its first step; the timeout must cancel it.
        var error = Failure(r =>
        {
            r.InstallNameResolver(new SilentResolver());
            return new Agent(r, new AgentOptions { Timeout = 0.3 }).Request("GET", "http://never.example.test/");
        });
        Assert.IsType<RequestTimeoutException>(error);
    }

    [Fact]
    public void FinishedRequestIsNotAffectedByItsTimer()
    {
        using var server = RawServer.Answering(_ => RawServer.Ok("quick"));
        var body = Run(r => new Agent(r, new AgentOptions { Timeout = 0.3 }).Request("GET", server.Url()).AddCallback(WebClient.ReadBody)
            .AddCallback(b =>
            {
                // Outlive the timer: nothing may fail or be logged when it would have fired.
                var wait = new Torsion.Defer.Deferred<byte[]>();
                r.CallLater(0.6, () => wait.Callback(b));
                return wait;
            }));
        Assert.Equal("quick"u8.ToArray(), body);
    }

    [Fact]
    public void CancellingTheRequestStopsIt()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WaitClosedAsync(TimeSpan.FromSeconds(30));
        });
        var error = Failure(r =>
        {
            var request = new Agent(r).Request("GET", server.Url());
            r.CallLater(0.2, request.Cancel);
            return request;
        });
        Assert.IsType<Torsion.Defer.CancelledException>(error);
    }
}
