using System.Security.Cryptography;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.Client;
using static Torsion.Web.Tests.Client.ClientRun;

namespace Torsion.Web.Tests.Client;

/// <summary>Flow control both ways: a paused body delivers nothing until resumed; an early answer stops an upload.</summary>
public sealed class FlowControlTests
{
    /// <summary>Pauses at its first data, checks nothing arrives while paused, resumes after a while.</summary>
    private sealed class PausingBody(IReactor reactor) : Protocol
    {
        private readonly MemoryStream _data = new();
        private bool _paused;

        public Deferred<byte[]> Done { get; } = new();

        public int ArrivedWhilePaused { get; private set; }

        public long AtPause { get; private set; } = -1;

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            if (_paused)
            {
                ArrivedWhilePaused += data.Length;
            }
            _data.Write(data);
            if (AtPause < 0)
            {
                AtPause = _data.Length;
                _paused = true;
                var producer = (IPushProducer)Transport;
                producer.PauseProducing();
                reactor.CallLater(0.3, () =>
                {
                    _paused = false;
                    producer.ResumeProducing();
                });
            }
        }

        public override void ConnectionLost(Failure reason)
        {
            if (reason.Value is ResponseDoneException)
            {
                Done.Callback(_data.ToArray());
            }
            else
            {
                Done.Errback(reason);
            }
        }
    }

    [Fact]
    public void PausedBodyDeliversNothingUntilResumedAndLosesNothing()
    {
        var data = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {data.Length}\r\n\r\n");
            await c.WriteAsync(data);
            await c.WaitClosedAsync(TimeSpan.FromSeconds(30));
        });
        PausingBody? body = null;
        var received = Run(r => new Agent(r).Request("GET", server.Url()).AddCallback(response =>
        {
            body = new PausingBody(r);
            response.DeliverBody(body);
            return body.Done;
        }));
        Assert.Equal(data, received);
        Assert.Equal(0, body!.ArrivedWhilePaused);
        Assert.True(body.AtPause < data.Length);
    }

    [Fact]
    public void StoppingTheBodyClosesTheConnectionAndFailsIt()
    {
        using var server = new RawServer(async (c, _) =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nstart");
            await c.WaitClosedAsync(TimeSpan.FromSeconds(30));
        });
        var error = Failure(r => new Agent(r).Request("GET", server.Url()).AddCallback(response =>
        {
            var recorder = new BodyRecorder();
            response.DeliverBody(recorder);
            ((IPushProducer)recorder.Transport).StopProducing();
            return recorder.Ended.AddCallback(new Func<Exception, Exception>(e => throw e));
        }));
        Assert.Contains("consumer stopped", Assert.IsType<ResponseFailedException>(error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EarlyAnswerDuringAnUploadEndsTheExchangeWithoutReuse()
    {
        var closed = new TaskCompletionSource<bool>();
        using var server = new RawServer(async (c, _) =>
        {
            // Answer after the head, without reading the body, then drain until the client closes.
            var scratch = new byte[16];
            var head = new List<byte>();
            while (!head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
            {
                var n = await c.Stream.ReadAsync(scratch.AsMemory(0, 1));
                if (n == 0)
                {
                    return;
                }
                head.Add(scratch[0]);
            }
            await c.WriteAsync("HTTP/1.1 413 Content Too Large\r\nContent-Length: 8\r\n\r\ntoo big!");
            closed.TrySetResult(await c.WaitClosedAsync(TimeSpan.FromSeconds(30)));
        });
        var upload = new OneWayStream(new byte[16 * 1024 * 1024]);
        var (code, body, sawClose) = Run(r => new Agent(r).Request("PUT", server.Url(), null, new StreamBodyProducer(r, upload))
            .AddCallback(response => WebClient.ReadBody(response).AddCallback(b => (response.Code, b)))
            .AddCallback(result => Deferred.FromTask(closed.Task).AddCallback(c => (result.Code, result.b, c))));
        Assert.Equal(413, code);
        Assert.Equal("too big!"u8.ToArray(), body);
        Assert.True(sawClose, "the client did not close the connection it could not reuse");
    }

    /// <summary>Touches its transport's flow control after the body ended, as a careless consumer might.</summary>
    private sealed class PausesAfterTheEnd : Protocol
    {
        public Deferred Done { get; } = new();

        public override void ConnectionLost(Failure reason)
        {
            ((IPushProducer)Transport).PauseProducing();
            ((IPushProducer)Transport).StopProducing();
            Done.Callback();
        }
    }

    [Fact]
    public void FlowControlAfterTheBodyEndedDoesNotTouchTheNextRequest()
    {
        using var server = RawServer.Answering(r => RawServer.Ok("answer " + r.Target));
        var second = Run(r =>
        {
            var agent = new Agent(r, new AgentOptions { Pool = new HttpConnectionPool(r) { MaxConnectionsPerHost = 1 } });
            var first = agent.Request("GET", server.Url("/1")).AddCallback(response =>
            {
                var body = new PausesAfterTheEnd();
                response.DeliverBody(body);
                return body.Done;
            });
            // Queued behind the first on the same connection, which it gets as the first body ends.
            var next = agent.Request("GET", server.Url("/2")).AddCallback(WebClient.ReadBody);
            return first.AddCallback(_ => next);
        });
        Assert.Equal("answer /2"u8.ToArray(), second);
        Assert.Equal(1, server.Accepted);
    }
}
