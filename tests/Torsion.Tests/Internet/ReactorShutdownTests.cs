using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>What shutdown does to open connections, and the odd corners of the core interface, on every backend.</summary>
public sealed class ReactorShutdownTests
{
    private sealed class Tracker(List<string> log) : Protocol
    {
        public override void ConnectionMade() => log.Add("made");
        public override void ConnectionLost(Failure reason) => log.Add($"lost:{reason.Type.Name}");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ShutdownDisconnectsOpenConnections(string name)
    {
        var reactor = ReactorNames.Create(name);
        var log = new List<string>();
        using var client = new TcpClient();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Tracker(log)), interfaceAddress: "127.0.0.1");
            client.Connect((IPEndPoint)port.GetHost());
            reactor.CallLater(0, Wait);
            void Wait()
            {
                if (log.Count == 0) { reactor.CallLater(0.005, Wait); return; }
                reactor.Stop();
            }
        });
        Assert.Equal(["made", "lost:ConnectionLost"], log);
        // The server side was closed: the client reads end-of-file.
        client.ReceiveTimeout = 60_000;
        Assert.Equal(0, client.GetStream().Read(new byte[1]));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ResolveFindsLocalhostAndReturnsLiteralsAsTheyAre(string name)
    {
        var reactor = ReactorNames.Create(name);
        string? localhost = null, literal = null;
        Failure? bogus = null;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.Resolve("127.0.0.2").AddCallback(a => { literal = a; });
            reactor.Resolve("localhost").AddCallback(a =>
            {
                localhost = a;
                reactor.Resolve("no-such-host.invalid").AddErrback(f => { bogus = f; reactor.Stop(); return ""; });
            });
        });
        Assert.Equal("127.0.0.2", literal);
        Assert.Equal("127.0.0.1", localhost);
        Assert.IsType<DnsLookupError>(bogus!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void IterateRunsDueCallsWithoutRun(string name)
    {
        var reactor = ReactorNames.Create(name);
        var ran = 0;
        reactor.CallLater(0, () => ran++);
        reactor.CallFromThread(() => ran++);
        reactor.Iterate();
        Assert.Equal(2, ran);
        ((IDisposable)reactor).Dispose();
    }
}
