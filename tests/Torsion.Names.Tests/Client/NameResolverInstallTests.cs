using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names.Client;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// Torsion.Names installed as the reactor's name resolver: ConnectTcp("web.test", …) and a
/// HostnameEndpoint find a local listener through a peer DNS server holding <c>web.test A 127.0.0.1</c>.
/// </summary>
public sealed class NameResolverInstallTests : IClassFixture<PeerServers>, IDisposable
{
    private readonly PeerServers _peers;
    private readonly string _directory = Directory.CreateTempSubdirectory("torsion-names-install-").FullName;

    public NameResolverInstallTests(PeerServers peers) => _peers = peers;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Receives one line and fires <see cref="Got"/> with it.</summary>
    private sealed class LineCatcher : Protocol
    {
        private readonly StringBuilder _text = new();

        public Deferred<string> Got { get; } = new();

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            _text.Append(Encoding.ASCII.GetString(data));
            if (_text.ToString().IndexOf('\n') is var end and >= 0 && !Got.Called)
            {
                Got.Callback(_text.ToString()[..end]);
            }
        }
    }

    /// <summary>Writes one line when connected.</summary>
    private sealed class Greeter(string line) : Protocol
    {
        public override void ConnectionMade() => Transport.Write(Encoding.ASCII.GetBytes(line + "\n"));
    }

    private ResolverChain CreateResolver(IReactor reactor, string resolvConf)
    {
        var conf = Path.Combine(_directory, "resolv.conf");
        var hosts = Path.Combine(_directory, "hosts");
        File.WriteAllText(conf, resolvConf);
        File.WriteAllText(hosts, "192.0.2.200 fromhosts.test\n");
        return Resolvers.CreateResolver(reactor, [_peers.Get(PeerDnsServer.Knot).Endpoint], conf, hosts);
    }

    [Fact]
    public void ConnectTcpToANameResolvesThroughTheInstalledResolver()
    {
        var line = Loop.Run(reactor =>
        {
            var previous = CreateResolver(reactor, "").InstallAsNameResolver(reactor);
            Assert.Same(SystemHostnameResolver.Instance, previous);
            var catcher = new LineCatcher();
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => catcher), interfaceAddress: "127.0.0.1");
            reactor.ConnectTcp("web.test", ((IPEndPoint)port.GetHost()).Port, new ClientFactory(() => new Greeter("hello through web.test")));
            return catcher.Got;
        });
        Assert.Equal("hello through web.test", line);
    }

    [Fact]
    public void AHostnameEndpointUsesTheSearchList()
    {
        var line = Loop.Run(reactor =>
        {
            // "web" has no dot, fewer than ndots: the search domain "test" is tried first.
            reactor.InstallNameResolver(new DnsHostnameResolver(CreateResolver(reactor, "search test\n")));
            var catcher = new LineCatcher();
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => catcher), interfaceAddress: "127.0.0.1");
            var endpoint = new HostnameEndpoint(reactor, "web", ((IPEndPoint)port.GetHost()).Port);
            endpoint.Connect(new ClientFactory(() => new Greeter("by endpoint")));
            return catcher.Got;
        });
        Assert.Equal("by endpoint", line);
    }

    [Fact]
    public void ResolveAnswersFromDnsAndTheHostsFileAndFailsForUnknownNames()
    {
        var (fromDns, fromHosts) = Loop.Run(reactor =>
        {
            CreateResolver(reactor, "").InstallAsNameResolver(reactor);
            return reactor.Resolve("web.test").AddCallback(dns => reactor.Resolve("fromhosts.test").AddCallback(hosts => (dns, hosts)));
        });
        Assert.Equal("127.0.0.1", fromDns);
        Assert.Equal("192.0.2.200", fromHosts);
        var error = Assert.Throws<DnsLookupError>(() => Loop.Run(reactor =>
        {
            CreateResolver(reactor, "").InstallAsNameResolver(reactor);
            return reactor.NameResolver.ResolveHostName(reactor, "nowhere.example.test", 80);
        }));
        Assert.IsType<DnsNameException>(error.InnerException);
    }

    [Fact]
    public void OnlyTheAskedFamiliesAreAnswered()
    {
        var addresses = Loop.Run(reactor =>
            new DnsHostnameResolver(CreateResolver(reactor, "")).ResolveHostName(reactor, "www.example.test", 443, AddressTypes.IPv6));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("2001:db8::1"), 443)], addresses);
        var both = Loop.Run(reactor =>
            new DnsHostnameResolver(CreateResolver(reactor, "")).ResolveHostName(reactor, "alias.example.test", 80));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.1"), 80), new IPEndPoint(IPAddress.Parse("2001:db8::1"), 80)], both);
    }

    [Fact]
    public void CreateResolverAsksTheHostsFileThenTheCacheThenTheNetwork()
    {
        ResolverChain? chain = null;
        var (first, second, hosts, relative) = Loop.Run(reactor =>
        {
            chain = CreateResolver(reactor, "search example.test\n");
            return chain.LookupAddress("www.example.test").AddCallback(first =>
                chain.LookupAddress("www.example.test").AddCallback(second =>
                    chain.GetHostByName("fromhosts.test").AddCallback(hosts =>
                        chain.GetHostByName("www").AddCallback(relative => (first, second, hosts, relative)))));
        });
        Assert.IsType<HostsResolver>(chain!.Resolvers[0]);
        var cache = Assert.IsType<CacheResolver>(chain.Resolvers[1]);
        Assert.IsType<Resolver>(chain.Resolvers[2]);
        Assert.Equal(first.Answers.Select(a => a.Data), second.Answers.Select(a => a.Data));
        // The network's answer went into the cache.
        Assert.True(cache.Count >= 1);
        Assert.True(CacheResolverTests.Outcome(cache.Query(new DnsQuery(DnsName.Parse("www.example.test"), RecordType.A))).Succeeded);
        Assert.Equal(IPAddress.Parse("192.0.2.200"), hosts);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), relative);
        Assert.Equal(["example.test"], chain.Search.Domains);
    }
}
