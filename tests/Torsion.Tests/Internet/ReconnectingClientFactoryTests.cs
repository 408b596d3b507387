using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet;

/// <summary>Backoff arithmetic on a fake clock, and a real reconnect on every backend.</summary>
public sealed class ReconnectingClientFactoryTests
{
    private sealed class FakeConnector : IConnector
    {
        public int Connects { get; private set; }
        public int StopConnectingCalls { get; private set; }
        public bool Connecting { get; set; }
        public void StopConnecting()
        {
            if (!Connecting) throw new InvalidOperationException("not connecting");
            StopConnectingCalls++;
        }
        public void Disconnect() { }
        public void Connect() => Connects++;
        public EndPoint GetDestination() => new IPEndPoint(IPAddress.Loopback, 1);
    }

    private sealed class Nothing : Protocol { }

    private static readonly Failure Refused = new(new ConnectionRefusedError("refused"));

    [Fact]
    public void DelayGrowsByFactorUpToMaxDelayWithoutJitter()
    {
        var clock = new Clock();
        var f = new ReconnectingClientFactory(clock, () => new Nothing()) { Jitter = 0, InitialDelay = 1, Factor = 2, MaxDelay = 5 };
        var c = new FakeConnector();
        var delays = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            f.ClientConnectionFailed(c, Refused);
            delays.Add(f.Delay);
            clock.Advance(f.Delay);
        }
        Assert.Equal([2.0, 4.0, 5.0, 5.0], delays);
        Assert.Equal(4, c.Connects);
        Assert.Equal(4, f.Retries);
    }

    [Fact]
    public void RetryFiresOnlyWhenTheDelayHasPassed()
    {
        var clock = new Clock();
        var f = new ReconnectingClientFactory(clock, () => new Nothing()) { Jitter = 0 };
        var c = new FakeConnector();
        f.ClientConnectionLost(c, Refused);
        Assert.Equal(Math.E, f.Delay, 10);
        clock.Advance(Math.E - 0.01);
        Assert.Equal(0, c.Connects);
        clock.Advance(0.02);
        Assert.Equal(1, c.Connects);
    }

    [Fact]
    public void JitterSpreadsTheDelayAroundTheMean()
    {
        var clock = new Clock();
        var samples = new List<double>();
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            var f = new ReconnectingClientFactory(clock, () => new Nothing(), random) { InitialDelay = 10, Factor = 1 };
            f.ClientConnectionFailed(new FakeConnector(), Refused);
            samples.Add(f.Delay);
            f.StopTrying();
        }
        var mean = samples.Average();
        var sd = Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / samples.Count);
        Assert.InRange(mean, 9.8, 10.2);
        Assert.InRange(sd, 10 * 0.11962656472 * 0.9, 10 * 0.11962656472 * 1.1);
    }

    [Fact]
    public void MaxRetriesAbandons()
    {
        var clock = new Clock();
        var f = new ReconnectingClientFactory(clock, () => new Nothing()) { Jitter = 0, MaxRetries = 2 };
        var c = new FakeConnector();
        for (var i = 0; i < 3; i++)
        {
            f.ClientConnectionFailed(c, Refused);
            clock.Advance(10_000);
        }
        Assert.Equal(2, c.Connects);
        Assert.Empty(clock.GetDelayedCalls());
    }

    [Fact]
    public void StopTryingCancelsTheScheduledRetryAndResetDelayRestores()
    {
        var clock = new Clock();
        var f = new ReconnectingClientFactory(clock, () => new Nothing()) { Jitter = 0 };
        var c = new FakeConnector { Connecting = true };
        f.ClientConnectionFailed(c, Refused);
        Assert.True(f.RetryPending);
        f.StopTrying();
        Assert.False(f.RetryPending);
        Assert.Equal(1, c.StopConnectingCalls);
        clock.Advance(10_000);
        Assert.Equal(0, c.Connects);
        f.ClientConnectionFailed(c, Refused);
        Assert.Empty(clock.GetDelayedCalls());
        f.ResetDelay();
        Assert.Equal(1.0, f.Delay);
        Assert.Equal(0, f.Retries);
        f.ClientConnectionFailed(c, Refused);
        Assert.True(f.RetryPending);
    }

    private sealed class Counting(Action onMade) : Protocol
    {
        public override void ConnectionMade()
        {
            onMade();
            Transport.LoseConnection();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ReconnectsToARealServerAfterEachClose(string name)
    {
        var reactor = ReactorNames.Create(name);
        var accepted = 0;
        ReconnectingClientFactory? factory = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Counting(() =>
            {
                if (++accepted == 3)
                {
                    factory!.StopTrying();
                    reactor.CallLater(0.01, reactor.Stop);
                }
            })), interfaceAddress: "127.0.0.1");
            factory = new ReconnectingClientFactory(reactor, () => new Nothing()) { InitialDelay = 0.001, Factor = 1, Jitter = 0 };
            reactor.ConnectTcp("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, factory);
        });
        Assert.Equal(3, accepted);
    }
}
