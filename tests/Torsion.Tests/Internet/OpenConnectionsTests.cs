using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// <see cref="ReactorBase.OpenConnections"/> counts live stream connections on both ends and returns
/// to zero when they close: torsiond's graceful shutdown waits on it.
/// </summary>
public sealed class OpenConnectionsTests
{
    private sealed class Notify(Action<Protocol> made, Action lost) : Protocol
    {
        public override void ConnectionMade() => made(this);
        public override void ConnectionLost(Failure reason) => lost();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CountsBothEndsAndReturnsToZero(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var seen = new List<int>();
        ReactorRunner.Run(reactor, () =>
        {
            seen.Add(reactor.OpenConnections);
            var serverMade = new Deferred();
            var serverLost = new Deferred();
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Notify(_ => serverMade.Callback(Unit.Value), () => serverLost.Callback(Unit.Value))), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            Protocol? client = null;
            var clientMade = new Deferred();
            var clientLost = new Deferred();
            reactor.ConnectTcp("127.0.0.1", endpoint.Port, new ClientFactory(() => new Notify(p =>
            {
                client = p;
                clientMade.Callback(Unit.Value);
            }, () => clientLost.Callback(Unit.Value))));
            Deferred.GatherResults([serverMade, clientMade]).AddCallback(_ =>
            {
                seen.Add(reactor.OpenConnections);
                client!.Transport.LoseConnection();
            });
            Deferred.GatherResults([serverLost, clientLost]).AddCallback(_ =>
            {
                seen.Add(reactor.OpenConnections);
                port.StopListening().AddBoth(_ =>
                {
                    reactor.Stop();
                    return Unit.Value;
                });
            });
        });
        Assert.Equal([0, 2, 0], seen);
    }
}
