using System.Net;
using Torsion.Services;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Internet;

namespace Torsion.Tests.Services;

/// <summary>ClientService: reconnecting on a real reactor, and the default backoff.</summary>
public sealed class ClientServiceTests
{
    private sealed class DropFirst(Func<int> count) : Protocol
    {
        public override void ConnectionMade()
        {
            if (count() == 1)
            {
                Transport.LoseConnection();
            }
        }
    }

    private sealed class Counted(Action made) : Protocol
    {
        public override void ConnectionMade() => made();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ReconnectsAfterTheServerDropsIt(string name)
    {
        var reactor = ReactorNames.Create(name);
        var serverConnections = 0;
        var clientProtocols = new List<IProtocol>();
        IProtocol? first = null;
        IProtocol? second = null;
        var stopped = false;
        ReactorRunner.Run(reactor, () =>
        {
            var server = new TcpServer(reactor, 0, Factory.ForProtocol(() => new DropFirst(() => ++serverConnections)), interfaceAddress: "127.0.0.1");
            server.StartService();
            var port = ((IPEndPoint)server.Port!.GetHost()).Port;
            ClientService? client = null;
            client = new ClientService(
                new TcpClientEndpoint(reactor, "127.0.0.1", port),
                Factory.ForProtocol(() =>
                {
                    Counted? p = null;
                    p = new Counted(() =>
                    {
                        clientProtocols.Add(p!);
                        if (clientProtocols.Count == 2)
                        {
                            client!.WhenConnected().AddCallback(connected =>
                            {
                                second = connected;
                                client.StopService().AddCallback(_ =>
                                {
                                    stopped = !client.Running;
                                    server.StopService().AddCallback(_ => reactor.Stop());
                                });
                            });
                        }
                    });
                    return p;
                }),
                reactor,
                _ => 0.01);
            client.WhenConnected().AddCallback(p => { first = p; });
            client.StartService();
        });
        Assert.Equal(2, serverConnections);
        Assert.Equal(2, clientProtocols.Count);
        Assert.Same(clientProtocols[0], first);
        Assert.Same(clientProtocols[1], second);
        Assert.True(stopped);
    }

    [Fact]
    public void DefaultBackoffGrowsByHalvesUpToAMinute()
    {
        var policy = ClientService.BackoffPolicy(jitter: () => 0.25);
        Assert.Equal(1.0 + 0.25, policy(0));
        Assert.Equal(1.5 + 0.25, policy(1));
        Assert.Equal(2.25 + 0.25, policy(2));
        Assert.Equal(60.25, policy(50));
        Assert.Equal(60.25, policy(int.MaxValue));
    }

    [Fact]
    public void StoppingFailsPendingWaiters()
    {
        var clock = new Torsion.Testing.Clock();
        var endpoint = new NeverConnects();
        var service = new ClientService(endpoint, Factory.ForProtocol(() => throw new InvalidOperationException()), clock);
        service.StartService();
        Failure? failure = null;
        service.WhenConnected().AddErrback(f => { failure = f; return (IProtocol)null!; });
        service.StopService();
        Assert.IsType<CancelledException>(failure!.Value);
        Assert.True(endpoint.Cancelled);
    }

    [Fact]
    public void FailAfterFailuresGivesUpAfterThatManyAttempts()
    {
        var clock = new Torsion.Testing.Clock();
        var endpoint = new AlwaysRefuses();
        var service = new ClientService(endpoint, Factory.ForProtocol(() => throw new InvalidOperationException()), clock, _ => 1);
        Failure? failure = null;
        service.WhenConnected(failAfterFailures: 3).AddErrback(f => { failure = f; return (IProtocol)null!; });
        service.StartService();
        clock.Advance(1);
        Assert.Null(failure);
        Assert.Equal(2, endpoint.Attempts);
        clock.Advance(1);
        Assert.Equal(3, endpoint.Attempts);
        Assert.IsType<ConnectionRefusedError>(failure!.Value);
        service.StopService();
        clock.Advance(10);
        Assert.Equal(3, endpoint.Attempts);
    }

    private sealed class NeverConnects : IStreamClientEndpoint
    {
        public bool Cancelled { get; private set; }
        public Deferred<IProtocol> Connect(Factory factory) => new(_ => Cancelled = true);
    }

    private sealed class AlwaysRefuses : IStreamClientEndpoint
    {
        public int Attempts { get; private set; }
        public Deferred<IProtocol> Connect(Factory factory)
        {
            Attempts++;
            return Deferred.Fail<IProtocol>(new ConnectionRefusedError("refused"));
        }
    }
}
