using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>
/// Connecting to an address that never answers (a <see cref="SynBlackHole"/> on 127.0.0.1), on every
/// backend: the connect timeout fails the attempt with <see cref="TimeoutError"/>, an endpoint's
/// Deferred fails the same way, cancelling a pending endpoint connect fails it with
/// <see cref="ConnectingCancelledError"/>, and in every case the attempt's socket is closed.
/// </summary>
[Collection(DescriptorCountCollection.Name)]
public sealed class TcpConnectTimeoutTests
{
    private sealed class Silent : Protocol
    {
    }

    private sealed class RecordingClientFactory() : ClientFactory(() => new Silent())
    {
        public List<string> Events { get; } = new();
        public Action<Failure>? OnFailed { get; set; }
        protected override void StartFactory() => Events.Add("startFactory");
        protected override void StopFactory() => Events.Add("stopFactory");
        public override void StartedConnecting(IConnector connector) => Events.Add("started");
        public override IProtocol? BuildProtocol(System.Net.EndPoint address)
        {
            Events.Add("built");
            return base.BuildProtocol(address);
        }
        public override void ClientConnectionFailed(IConnector connector, Failure reason)
        {
            Events.Add("failed:" + reason.Value.GetType().Name);
            OnFailed?.Invoke(reason);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectTcpTimesOutAndClosesItsSocket(string name)
    {
        using var hole = SynBlackHole.Create();
        WarmUp();
        var before = DescriptorCountCollection.OpenDescriptors();
        var reactor = ReactorNames.Create(name);
        var factory = new RecordingClientFactory();
        int running = 0, during = 0;
        double started = 0, failedAfter = 0;
        ReactorRunner.Run(reactor, () =>
        {
            running = DescriptorCountCollection.OpenDescriptors();
            started = reactor.Seconds();
            factory.OnFailed = _ =>
            {
                failedAfter = reactor.Seconds() - started;
                reactor.Stop();
            };
            reactor.ConnectTcp("127.0.0.1", hole.Port, factory, timeout: 1);
            during = DescriptorCountCollection.OpenDescriptors();
        });
        Assert.Equal(["startFactory", "started", "failed:TimeoutError", "stopFactory"], factory.Events);
        // The attempt had a socket of its own, and it is gone.
        Assert.Equal(running + 1, during);
        DescriptorCountCollection.AssertReturnsTo(before);
        // It waited for the timeout rather than failing at once (a generous bound either side).
        Assert.InRange(failedAfter, 0.5, 15);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EndpointConnectFromAStringTimesOut(string name)
    {
        using var hole = SynBlackHole.Create();
        WarmUp();
        var before = DescriptorCountCollection.OpenDescriptors();
        var reactor = ReactorNames.Create(name);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            Torsion.Internet.Endpoints.ClientFromString(reactor, $"tcp:host=127.0.0.1:port={hole.Port}:timeout=1")
                .Connect(Factory.ForProtocol<Silent>())
                .AddErrback(f =>
                {
                    failure = f;
                    reactor.Stop();
                    return (IProtocol)null!;
                });
        });
        Assert.IsType<TimeoutError>(failure!.Value);
        DescriptorCountCollection.AssertReturnsTo(before);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingAPendingEndpointConnectClosesItsSocket(string name)
    {
        using var hole = SynBlackHole.Create();
        WarmUp();
        var before = DescriptorCountCollection.OpenDescriptors();
        var reactor = ReactorNames.Create(name);
        Failure? failure = null;
        int running = 0, during = 0;
        ReactorRunner.Run(reactor, () =>
        {
            running = DescriptorCountCollection.OpenDescriptors();
            var d = Torsion.Internet.Endpoints.ClientFromString(reactor, $"tcp:host=127.0.0.1:port={hole.Port}:timeout=30")
                .Connect(Factory.ForProtocol<Silent>());
            d.AddErrback(f =>
            {
                failure = f;
                reactor.Stop();
                return (IProtocol)null!;
            });
            // Cancelled from a later pass, once the attempt is really under way (its SYN sent and dropped).
            reactor.CallLater(0.2, () =>
            {
                during = DescriptorCountCollection.OpenDescriptors();
                d.Cancel();
            });
        });
        Assert.IsType<ConnectingCancelledError>(failure!.Value);
        Assert.Equal(running + 1, during);
        DescriptorCountCollection.AssertReturnsTo(before);
    }

    /// <summary>
    /// Makes the runtime open what it opens once per process (its socket engine starts with the first
    /// asynchronous socket operation), so the counts above see only what an attempt leaves behind.
    /// </summary>
    private static void WarmUp()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        Assert.True(client.ConnectAsync(listener.LocalEndpoint).Wait(TimeSpan.FromSeconds(10)));
        using var accepted = listener.AcceptSocket();
    }
}
