using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Internet;

/// <summary>
/// The pluggable resolver (Twisted's <c>IReactorPluggableNameResolver</c>): the default asks the system for
/// both families off the loop, and whatever is installed is what ConnectTcp and Resolve use, on every backend.
/// </summary>
public sealed class NameResolverTests
{
    private sealed class Hello : Protocol
    {
        public override void ConnectionMade() => Transport.Write("hi"u8);
    }

    private sealed class Recorder(Action<Recorder> received) : Protocol
    {
        public EndPoint? Peer { get; private set; }
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Peer = Transport.GetPeer();
            received(this);
        }
    }

    private sealed class Failing(Action<Failure> failed) : ClientFactory
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }

    internal static bool HasIPv6Loopback() => Socket.OSSupportsIPv6 && System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
        .Any(n => n.GetIPProperties().UnicastAddresses.Any(a => IPAddress.IPv6Loopback.Equals(a.Address)));

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheDefaultIsTheSystemResolverAndInstallReturnsThePrevious(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var _ = (IDisposable)reactor;
        Assert.Same(SystemHostnameResolver.Instance, reactor.NameResolver);
        var mine = new MapResolver();
        Assert.Same(SystemHostnameResolver.Instance, reactor.InstallNameResolver(mine));
        Assert.Same(mine, reactor.NameResolver);
        Assert.Same(mine, reactor.InstallNameResolver(SystemHostnameResolver.Instance));
        Assert.Same(SystemHostnameResolver.Instance, reactor.NameResolver);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LiteralsAnswerAtOnceWithoutALookup(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var _ = (IDisposable)reactor;
        var resolver = SystemHostnameResolver.Instance;
        IReadOnlyList<IPEndPoint>? v6 = null, v4 = null;
        Failure? wrongFamily = null;
        resolver.ResolveHostName(reactor, "::1", 80).AddCallback(a => { v6 = a; });
        resolver.ResolveHostName(reactor, "127.0.0.1", 81).AddCallback(a => { v4 = a; });
        resolver.ResolveHostName(reactor, "::1", 80, AddressTypes.IPv4).AddErrback(f => { wrongFamily = f; return (IReadOnlyList<IPEndPoint>)[]; });
        // Before the reactor ever ran: nothing was looked up, so nothing had to come back through the loop.
        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 80)], v6);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 81)], v4);
        Assert.IsType<DnsLookupError>(wrongFamily!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheSystemResolverAnswersOnTheLoopThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        IReadOnlyList<IPEndPoint>? addresses = null;
        var onLoop = false;
        ReactorRunner.Run(reactor, () =>
            reactor.NameResolver.ResolveHostName(reactor, "localhost", 8080).AddBoth(outcome =>
            {
                onLoop = ((ReactorBase)reactor).IsInLoopThread;
                addresses = outcome.GetValueOrThrow();
                reactor.Stop();
                return Unit.Value;
            }));
        Assert.True(onLoop);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 8080), addresses!);
        Assert.All(addresses!, a => Assert.Equal(8080, a.Port));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheSystemResolverFindsBothFamiliesOfLocalhost(string name)
    {
        // The answer is the machine's /etc/hosts. Where it maps localhost to ::1 too, ask it directly;
        // otherwise, as root, a child gets a private /etc/hosts that does (a mount namespace), so the
        // IPv6 half of the default resolver is tested on machines whose hosts file has IPv4 only.
        var hosts = File.Exists("/etc/hosts") ? File.ReadAllLines("/etc/hosts") : [];
        var v6Localhost = hosts.Select(l => l.Split('#')[0].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length > 1 && f[0] == "::1" && f.Skip(1).Contains("localhost"));
        if (!HasIPv6Loopback())
        {
            Assert.Skip("This machine has no ::1, so no resolver can answer IPv6 for localhost.");
        }
        if (v6Localhost)
        {
            var reactor = ReactorNames.Create(name);
            IReadOnlyList<IPEndPoint>? addresses = null;
            ReactorRunner.Run(reactor, () =>
                reactor.NameResolver.ResolveHostName(reactor, "localhost").AddBoth(outcome =>
                {
                    addresses = outcome.GetValueOrThrow();
                    reactor.Stop();
                    return Unit.Value;
                }));
            Assert.Contains(addresses!, a => a.Address.Equals(IPAddress.Loopback));
            Assert.Contains(addresses!, a => a.Address.Equals(IPAddress.IPv6Loopback));
            return;
        }
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/unshare"))
        {
            Assert.Skip("/etc/hosts maps localhost to IPv4 only, and giving a child a private /etc/hosts needs root and unshare(1).");
        }
        var file = Path.Combine(Path.GetTempPath(), $"torsion-hosts-{Guid.NewGuid():N}");
        File.WriteAllText(file, "127.0.0.1 localhost\n::1 localhost\n");
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/unshare");
            foreach (var arg in new[] { "--mount", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec dotnet \"$1\" resolve \"$2\" localhost",
                file, ChildProcess.ProgramPath("Torsion.TestPrograms"), name })
            {
                info.ArgumentList.Add(arg);
            }
            using var child = ChildProcess.Start(info);
            Assert.Equal(0, child.WaitForExit(60));
            var output = child.Output;
            Assert.Contains("address 127.0.0.1", output);
            Assert.Contains("address ::1", output);
            Assert.Contains("done", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheSystemResolverFailsWithDnsLookupError(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
            // .invalid never resolves (RFC 6761).
            reactor.NameResolver.ResolveHostName(reactor, "no-such-host.invalid").AddErrback(f =>
            {
                failure = f;
                reactor.Stop();
                return (IReadOnlyList<IPEndPoint>)[];
            }));
        Assert.IsType<DnsLookupError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingASystemLookupFailsItWithCancelled(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            var lookup = reactor.NameResolver.ResolveHostName(reactor, "localhost");
            lookup.AddErrback(f =>
            {
                failure = f;
                return (IReadOnlyList<IPEndPoint>)[];
            });
            lookup.Cancel();
            // The lookup's own answer (or its cancellation) still comes back through the loop and must
            // find the Deferred fired: a second lookup's answer arriving later proves the loop went on.
            reactor.NameResolver.ResolveHostName(reactor, "localhost").AddBoth(_ =>
            {
                reactor.Stop();
                return Unit.Value;
            });
        });
        Assert.IsType<CancelledException>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectTcpAndResolveUseTheInstalledResolver(string name)
    {
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver();
        reactor.InstallNameResolver(resolver);
        EndPoint? peer = null;
        string? resolved = null, resolvedV6 = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Recorder(r =>
            {
                peer = r.Peer;
                reactor.Stop();
            })), interfaceAddress: "127.0.0.1");
            // Both families: ConnectTcp takes the IPv4 one, as Twisted's connectTCP does.
            resolver.Map("service.test", new IPEndPoint(IPAddress.IPv6Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));
            resolver.Map("v6only.test", new IPEndPoint(IPAddress.IPv6Loopback, 0));
            reactor.Resolve("service.test").AddCallback(a => { resolved = a; });
            reactor.Resolve("v6only.test").AddCallback(a => { resolvedV6 = a; });
            reactor.ConnectTcp("service.test", ((IPEndPoint)port.GetHost()).Port, new ClientFactory(() => new Hello()));
        });
        Assert.Equal("127.0.0.1", resolved);
        Assert.Equal("::1", resolvedV6);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)peer!).Address);
        Assert.Contains("service.test", resolver.Asked);
        Assert.Same(reactor, resolver.LastReactor);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ResolveGivesUpAfterItsTimeoutAndCancelsTheLookup(string name)
    {
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver().Hold("slow.test");
        reactor.InstallNameResolver(resolver);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () => reactor.Resolve("slow.test", timeout: 0.1).AddErrback(f =>
        {
            failure = f;
            reactor.Stop();
            return "";
        }));
        var error = Assert.IsType<DnsLookupError>(failure!.Value);
        Assert.IsType<TimeoutError>(error.InnerException);
        Assert.Equal(1, resolver.Cancelled);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectTcpFailsWithTheResolversDnsLookupError(string name)
    {
        var reactor = ReactorNames.Create(name);
        reactor.InstallNameResolver(new MapResolver());
        Failure? failure = null;
        ReactorRunner.Run(reactor, () => reactor.ConnectTcp("nowhere.test", 80, new Failing(f =>
        {
            failure = f;
            reactor.Stop();
        })));
        Assert.IsType<DnsLookupError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StoppingAConnectorWhileResolvingCancelsTheLookup(string name)
    {
        var reactor = ReactorNames.Create(name);
        var resolver = new MapResolver().Hold("slow.test");
        reactor.InstallNameResolver(resolver);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            var connector = reactor.ConnectTcp("slow.test", 80, new Failing(f => failure = f));
            connector.StopConnecting();
            reactor.Stop();
        });
        Assert.IsType<UserError>(failure!.Value);
        Assert.Equal(1, resolver.Cancelled);
        Assert.Equal(0, ((ReactorBase)reactor).OpenConnections);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AGroupSharesOneResolverAndAnswersOnTheCallingLoop(string name)
    {
        if (Reactors.Get(name).UnsupportedReason is { } why)
        {
            Assert.Skip($"The {name} reactor cannot run here: {why}");
        }
        var group = new ReactorGroup(2, name);
        var resolver = new MapResolver().Map("service.test", new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Same(SystemHostnameResolver.Instance, group.InstallNameResolver(resolver));
        Assert.All(group.Loops, loop => Assert.Same(resolver, loop.NameResolver));
        Assert.Same(resolver, group.NameResolver);
        bool mappedOnLoop1 = false, systemOnLoop1 = false;
        IReactor? asked = null;
        var timedOut = false;
        group.CallLater(ReactorRunner.DefaultTimeout, () => { timedOut = true; group.Crash(); });
        group.CallWhenRunning(() => group.Loops[1].CallFromThread(() =>
        {
            // On loop 1's thread, resolving through the group: the answer must come back to loop 1.
            group.Resolve("service.test").AddCallback(_ =>
            {
                mappedOnLoop1 = group.Loops[1] is ReactorBase { IsInLoopThread: true };
                asked = resolver.LastReactor;
                group.InstallNameResolver(SystemHostnameResolver.Instance);
                group.NameResolver.ResolveHostName(group, "localhost").AddBoth(_ =>
                {
                    systemOnLoop1 = group.Loops[1] is ReactorBase { IsInLoopThread: true };
                    group.Primary.CallFromThread(group.Stop);
                    return Unit.Value;
                });
            });
        }));
        group.Run(installSignalHandlers: false);
        Assert.False(timedOut);
        Assert.True(mappedOnLoop1);
        Assert.Same(group.Loops[1], asked);
        Assert.True(systemOnLoop1);
    }
}
