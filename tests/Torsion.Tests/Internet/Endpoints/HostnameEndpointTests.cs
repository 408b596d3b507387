using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Testing;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>
/// <see cref="HostnameEndpoint"/>: the lookup through the installed resolver, then Happy Eyeballs (RFC 8305)
/// over real loopback sockets on every backend: IPv6 first, the fallback, one winner and no leftovers.
/// </summary>
public sealed class HostnameEndpointTests
{
    /// <summary>What one listener saw: connections open now (sentinels apart) and sentinels received.</summary>
    private sealed class ServerStats
    {
        public int Open;
        public int Accepted;
        public int Sentinels;
        public Action? Changed;
    }

    /// <summary>Counts itself open until it is lost; a connection that sends "s" is a sentinel and not counted.</summary>
    private sealed class Server(ServerStats stats) : Protocol
    {
        private bool _sentinel;

        public override void ConnectionMade()
        {
            stats.Open++;
            stats.Accepted++;
            stats.Changed?.Invoke();
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            if (!_sentinel && data.IndexOf((byte)'s') >= 0)
            {
                _sentinel = true;
                stats.Open--;
                stats.Sentinels++;
                stats.Changed?.Invoke();
            }
        }

        public override void ConnectionLost(Failure reason)
        {
            if (!_sentinel)
            {
                stats.Open--;
            }
            stats.Changed?.Invoke();
        }
    }

    private sealed class Sentinel : Protocol
    {
        public override void ConnectionMade() => Transport.Write("s"u8);
    }

    private sealed class Client(Action made) : Protocol
    {
        public bool Made { get; private set; }

        public override void ConnectionMade()
        {
            Made = true;
            made();
        }
    }

    private static void RequireIPv6()
    {
        if (!NameResolverTests.HasIPv6Loopback())
        {
            Assert.Skip("This machine has no IPv6 loopback address (::1).");
        }
    }

    private static IPEndPoint Listen(IReactor reactor, IPAddress address, ServerStats stats)
    {
        var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Server(stats)), interfaceAddress: address.ToString());
        return new IPEndPoint(address, ((IPEndPoint)port.GetHost()).Port);
    }

    /// <summary>An address nobody listens on (it was free a moment ago), so a connect to it is refused.</summary>
    private static IPEndPoint Closed(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    /// <summary>
    /// Connects a sentinel to <paramref name="listener"/>: a listener's queue is first in, first out, so once
    /// its server has seen the sentinel it has accepted every connection made before it.
    /// </summary>
    private static void SendSentinel(IReactor reactor, IPEndPoint listener) =>
        reactor.ConnectTcp(listener.Address.ToString(), listener.Port, new ClientFactory(() => new Sentinel()));

    /// <summary>This process's connects to 127.0.0.1:<paramref name="port"/> still in SYN_SENT, from the kernel's table.</summary>
    private static int SynSentTo(int port)
    {
        var remote = $"0100007F:{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[2] == remote && f[3] == "02");
    }

    /// <summary>
    /// <see cref="SynSentTo"/> once it reaches 0, or after 10 s. On the sockets backend, closing a socket whose
    /// connect is pending is finished by the runtime's own thread a moment later, so a count taken at once may
    /// still see it; an attempt that is never abandoned keeps the count up and fails the test. Taken on the
    /// loop, before shutdown could close what was left.
    /// </summary>
    private static int SynSentToOnceSettled(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int count;
        while ((count = SynSentTo(port)) > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }
        return count;
    }

    private static T Failed<T>(Failure f, ref Failure? into)
    {
        into = f;
        return default!;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectsOverIPv6WhenOnlyIPv6Listens(string name)
    {
        RequireIPv6();
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        Assert.Same(SystemHostnameResolver.Instance, reactor.InstallNameResolver(resolver));
        var stats = new ServerStats();
        Client? client = null;
        EndPoint? peer = null;
        ReactorRunner.Run(reactor, () =>
        {
            var v6 = Listen(reactor, IPAddress.IPv6Loopback, stats);
            // The IPv4 address is listed first and refuses; IPv6 goes first anyway and wins at once.
            resolver.Map("dual.test", Closed(IPAddress.Loopback), v6);
            new HostnameEndpoint(reactor, "dual.test", v6.Port).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddCallback(p =>
            {
                client = (Client)p;
                peer = client.Transport.GetPeer();
                reactor.Stop();
            });
        });
        Assert.True(client!.Made, "the Deferred fired before ConnectionMade");
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)peer!).Address);
        Assert.Equal(["dual.test"], resolver.Asked);
        Assert.Equal(1, stats.Accepted);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FallsBackToIPv4WhenIPv6IsRefused(string name)
    {
        RequireIPv6();
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        var stats = new ServerStats();
        EndPoint? peer = null;
        ReactorRunner.Run(reactor, () =>
        {
            var v4 = Listen(reactor, IPAddress.Loopback, stats);
            resolver.Map("dual.test", Closed(IPAddress.IPv6Loopback), v4);
            new HostnameEndpoint(reactor, "dual.test", v4.Port).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddCallback(p =>
            {
                peer = ((Client)p).Transport.GetPeer();
                reactor.Stop();
            });
        });
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)peer!).Address);
        Assert.Equal(1, stats.Accepted);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void BothListeningMakesExactlyOneConnection(string name)
    {
        RequireIPv6();
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        ServerStats v6Stats = new(), v4Stats = new();
        var made = 0;
        var accepted = 0;
        bool fired = false, settled = false;
        ReactorRunner.Run(reactor, () =>
        {
            var v6 = Listen(reactor, IPAddress.IPv6Loopback, v6Stats);
            var v4 = Listen(reactor, IPAddress.Loopback, v4Stats);
            void Check()
            {
                // Done once both sentinels are in (so every loser has been accepted) and only the winner is open.
                if (!settled && fired && v6Stats.Sentinels == 1 && v4Stats.Sentinels == 1 && v6Stats.Open + v4Stats.Open == 1)
                {
                    settled = true;
                    accepted = v6Stats.Accepted + v4Stats.Accepted;
                    reactor.Stop();
                }
            }
            v6Stats.Changed = v4Stats.Changed = Check;
            resolver.Map("dual.test", v4, v6);
            // No delay: the second attempt starts on the next pass, racing the first.
            new HostnameEndpoint(reactor, "dual.test", 0, attemptDelay: 0).Connect(Factory.ForProtocol(() => new Client(() => made++))).AddCallback(_ =>
            {
                fired = true;
                SendSentinel(reactor, v6);
                SendSentinel(reactor, v4);
            });
        });
        // One client protocol; on the servers only the winner stayed open (a loser that got through was closed).
        Assert.Equal(1, made);
        Assert.True(settled);
        Assert.InRange(accepted, 3, 4);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAddressThatNeverAnswersDelaysByTheAttemptDelayThenTheNextWins(string name)
    {
        using var hole = SynBlackHole.Create();
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        var stats = new ServerStats();
        EndPoint? peer = null;
        IPEndPoint? v4 = null;
        double started = 0, elapsed = 0;
        int pendingToHole = -1, leftToHole = -1;
        ReactorRunner.Run(reactor, () =>
        {
            v4 = Listen(reactor, IPAddress.Loopback, stats);
            resolver.Map("slow.test", new IPEndPoint(IPAddress.Loopback, hole.Port), v4);
            resolver.Answered = _ => pendingToHole = SynSentTo(hole.Port);
            started = reactor.Seconds();
            new HostnameEndpoint(reactor, "slow.test", 0).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddCallback(p =>
            {
                elapsed = reactor.Seconds() - started;
                peer = ((Client)p).Transport.GetPeer();
                leftToHole = SynSentToOnceSettled(hole.Port);
                reactor.Stop();
            });
        });
        Assert.Equal(v4, peer);
        Assert.Equal(1, stats.Accepted);
        // The second attempt waited for the delay: a timer never fires early, so this bound cannot be flaky.
        Assert.True(elapsed >= HostnameEndpoint.DefaultAttemptDelay - 1e-6, $"connected after {elapsed}s");
        Assert.Equal(1, pendingToHole);
        Assert.Equal(0, leftToHole);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ResolutionFailureFailsWithDnsLookupError(string name)
    {
        var reactor = ReactorNames.Create(name);
        reactor.InstallNameResolver(new MapResolver());
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
            new HostnameEndpoint(reactor, "nowhere.test", 80).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddErrback(f =>
            {
                failure = f;
                reactor.Stop();
                return (IProtocol)null!;
            }));
        Assert.IsType<DnsLookupError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingWhileResolvingCancelsTheLookup(string name)
    {
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver().Hold("slow.test");
        reactor.InstallNameResolver(resolver);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            var d = new HostnameEndpoint(reactor, "slow.test", 80).Connect(Factory.ForProtocol(() => new Client(() => { })));
            d.AddErrback(f => Failed<IProtocol>(f, ref failure));
            d.Cancel();
            reactor.Stop();
        });
        Assert.IsType<ConnectingCancelledError>(failure!.Value);
        Assert.Equal(1, resolver.Cancelled);
        Assert.Equal(0, ((ReactorBase)reactor).OpenConnections);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingMidAttemptLeavesNoConnection(string name)
    {
        using var hole = SynBlackHole.Create();
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        var stats = new ServerStats();
        Failure? failure = null;
        var made = 0;
        int pendingToHole = -1, leftToHole = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var v4 = Listen(reactor, IPAddress.Loopback, stats);
            var stopping = false;
            stats.Changed = () =>
            {
                // Once: the sentinel's close during shutdown changes the counts again.
                if (stats.Sentinels == 1 && !stopping)
                {
                    stopping = true;
                    reactor.Stop();
                }
            };
            resolver.Map("slow.test", new IPEndPoint(IPAddress.Loopback, hole.Port), v4);
            Deferred<IProtocol>? d = null;
            resolver.Answered = _ =>
            {
                // The first attempt (to the hole) is under way, the second waits for the delay.
                pendingToHole = SynSentTo(hole.Port);
                d!.Cancel();
                leftToHole = SynSentToOnceSettled(hole.Port);
                SendSentinel(reactor, v4);
            };
            d = new HostnameEndpoint(reactor, "slow.test", 0).Connect(Factory.ForProtocol(() => new Client(() => made++)));
            d.AddErrback(f => Failed<IProtocol>(f, ref failure));
        });
        Assert.IsType<ConnectingCancelledError>(failure!.Value);
        Assert.Equal(1, pendingToHole);
        Assert.Equal(0, leftToHole);
        // Only the sentinel reached the listener: the delayed attempt never started.
        Assert.Equal(1, stats.Accepted);
        Assert.Equal(0, made);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheOverallTimeoutFailsWithTimeoutErrorAndStopsTheAttempts(string name)
    {
        using var hole = SynBlackHole.Create();
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        Failure? failure = null;
        var leftToHole = -1;
        ReactorRunner.Run(reactor, () =>
        {
            resolver.Map("slow.test", new IPEndPoint(IPAddress.Loopback, hole.Port));
            new HostnameEndpoint(reactor, "slow.test", 0, timeout: 0.5).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddErrback(f =>
            {
                failure = f;
                leftToHole = SynSentToOnceSettled(hole.Port);
                reactor.Stop();
                return (IProtocol)null!;
            });
        });
        Assert.IsType<TimeoutError>(failure!.Value);
        Assert.Equal(0, leftToHole);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WhenEveryAddressFailsTheLastErrorIsReported(string name)
    {
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            resolver.Map("refusing.test", Closed(IPAddress.Loopback), Closed(IPAddress.Loopback));
            new HostnameEndpoint(reactor, "refusing.test", 0).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddErrback(f =>
            {
                failure = f;
                reactor.Stop();
                return (IProtocol)null!;
            });
        });
        Assert.IsType<ConnectionRefusedError>(failure!.Value);
        Assert.Equal(0, ((ReactorBase)reactor).OpenConnections);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnAddressIsNotLookedUp(string name)
    {
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        var stats = new ServerStats();
        Client? client = null;
        ReactorRunner.Run(reactor, () =>
        {
            var v4 = Listen(reactor, IPAddress.Loopback, stats);
            new HostnameEndpoint(reactor, "127.0.0.1", v4.Port).Connect(Factory.ForProtocol(() => new Client(() => { }))).AddCallback(p =>
            {
                client = (Client)p;
                reactor.Stop();
            });
        });
        Assert.True(client!.Made);
        Assert.Empty(resolver.Asked);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OnAGroupEverythingHappensOnTheCallingLoop(string name)
    {
        if (Reactors.Get(name).UnsupportedReason is { } why)
        {
            Assert.Skip($"The {name} reactor cannot run here: {why}");
        }
        var group = new ReactorGroup(2, name);
        var resolver = new MapResolver();
        group.InstallNameResolver(resolver);
        var stats = new ServerStats();
        bool firedOnLoop1 = false, madeOnLoop1 = false;
        var timedOut = false;
        group.CallLater(ReactorRunner.DefaultTimeout, () => { timedOut = true; group.Crash(); });
        group.CallWhenRunning(() =>
        {
            // A port of the primary loop alone, so the group's spreading of ports plays no part.
            var v4 = Listen(group.Primary, IPAddress.Loopback, stats);
            resolver.Map("service.test", v4);
            group.Loops[1].CallFromThread(() =>
                new HostnameEndpoint(group, "service.test", 0).Connect(Factory.ForProtocol(() =>
                    new Client(() => madeOnLoop1 = group.Loops[1] is ReactorBase { IsInLoopThread: true }))).AddBoth(_ =>
                {
                    firedOnLoop1 = group.Loops[1] is ReactorBase { IsInLoopThread: true };
                    group.Primary.CallFromThread(group.Stop);
                    return Unit.Value;
                }));
        });
        group.Run(installSignalHandlers: false);
        Assert.False(timedOut);
        Assert.True(madeOnLoop1);
        Assert.True(firedOnLoop1);
        Assert.Same(group.Loops[1], resolver.LastReactor);
    }

    /// <summary>The algorithm alone, on a MemoryReactor and its clock: the order, the delay, the early start, the winner and the losers.</summary>
    [Fact]
    public void AttemptsAlternateFamiliesIPv6FirstStaggeredByTheDelay()
    {
        var reactor = new MemoryReactor();
        var resolver = new MapResolver().Map("many.test",
            new IPEndPoint(IPAddress.Parse("10.0.0.1"), 0), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 0),
            new IPEndPoint(IPAddress.Parse("fd00::1"), 0), new IPEndPoint(IPAddress.Parse("fd00::2"), 0));
        reactor.InstallNameResolver(resolver);
        var made = 0;
        IProtocol? connected = null;
        var d = new HostnameEndpoint(reactor, "many.test", 80).Connect(Factory.ForProtocol(() => new Client(() => made++)));
        d.AddCallback(p => { connected = p; });
        reactor.Iterate();
        Assert.Equal(["fd00::1"], reactor.TcpClients.Select(c => c.Host));
        reactor.Clock.Advance(0.2);
        Assert.Single(reactor.TcpClients);
        reactor.Clock.Advance(0.1);
        Assert.Equal(["fd00::1", "10.0.0.1"], reactor.TcpClients.Select(c => c.Host));
        Assert.All(reactor.TcpClients, c => Assert.Equal(80, c.Port));
        // A failed attempt starts the next at once, without waiting for the delay.
        reactor.TcpClients[1].Factory.ClientConnectionFailed(reactor.Connectors[1], new Failure(new ConnectionRefusedError("refused")));
        Assert.Equal(["fd00::1", "10.0.0.1", "fd00::2"], reactor.TcpClients.Select(c => c.Host));
        // The third wins: the first is stopped, and no further address is tried.
        var protocol = reactor.TcpClients[2].Factory.BuildProtocol(new IPEndPoint(IPAddress.Parse("fd00::2"), 80));
        Assert.NotNull(protocol);
        Assert.True(reactor.Connectors[0].StoppedConnecting);
        Assert.False(reactor.Connectors[2].StoppedConnecting);
        reactor.Clock.Advance(1);
        Assert.Equal(3, reactor.TcpClients.Count);
        // A loser whose handshake finished anyway gets no protocol, so its connector closes it.
        Assert.Null(reactor.TcpClients[0].Factory.BuildProtocol(new IPEndPoint(IPAddress.Parse("fd00::1"), 80)));
        // The Deferred waits for ConnectionMade.
        Assert.Null(connected);
        protocol!.MakeConnection(new StringTransport());
        Assert.NotNull(connected);
        Assert.Equal(1, made);
    }
}
