using System.Net;
using Torsion.Names.Client;

namespace Torsion.Names.Tests.Client;

/// <summary>resolv.conf(5) as glibc reads it.</summary>
public sealed class ResolvConfTests
{
    [Fact]
    public void AnEmptyFileHasGlibcsDefaults()
    {
        var conf = ResolvConf.Parse("");
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 53)], conf.Nameservers);
        Assert.Empty(conf.Search);
        Assert.Equal(1, conf.Ndots);
        Assert.Equal(TimeSpan.FromSeconds(5), conf.Timeout);
        Assert.Equal(2, conf.Attempts);
        Assert.False(conf.Rotate);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], conf.Timeouts);
    }

    [Fact]
    public void EverySettingIsRead()
    {
        var conf = ResolvConf.Parse("""
            # a comment
            ; another comment
            nameserver 192.0.2.53
            nameserver 2001:db8::53   # trailing comment
            nameserver [::1]:5353
            search corp.example. example.test
            options ndots:3 timeout:2 attempts:4 rotate edns0
            """);
        Assert.Equal(
            [new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53), new IPEndPoint(IPAddress.Parse("2001:db8::53"), 53), new IPEndPoint(IPAddress.IPv6Loopback, 5353)],
            conf.Nameservers);
        Assert.Equal(["corp.example", "example.test"], conf.Search);
        Assert.Equal(3, conf.Ndots);
        Assert.Equal(TimeSpan.FromSeconds(2), conf.Timeout);
        Assert.Equal(4, conf.Attempts);
        Assert.True(conf.Rotate);
        // Four rounds over three servers.
        Assert.Equal(12, conf.Timeouts.Count);
    }

    [Fact]
    public void ServerForms()
    {
        Assert.True(ResolvConf.TryParseServer("127.0.0.1:5300", out var v4));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5300), v4);
        Assert.True(ResolvConf.TryParseServer("::1", out var v6));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 53), v6);
        Assert.True(ResolvConf.TryParseServer("[::1]", out var bracketed));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 53), bracketed);
        Assert.True(ResolvConf.TryParseServer("fe80::1%1", out var zoned));
        Assert.Equal(1, zoned.Address.ScopeId);
        foreach (var bad in new[] { "", "example.com", "1", "127.0.0.1:0", "127.0.0.1:65536", "[::1]:x", "[::1", "1.2.3.4.5" })
        {
            Assert.False(ResolvConf.TryParseServer(bad, out _), bad);
        }
    }

    [Fact]
    public void LimitsAndOverridesFollowGlibc()
    {
        var conf = ResolvConf.Parse("""
            nameserver 192.0.2.1
            nameserver 192.0.2.2
            nameserver 192.0.2.3
            nameserver 192.0.2.4
            nameserver not-an-address
            search a.example b.example
            domain only.example
            options ndots:99 timeout:0 attempts:50
            garbage line here
            """);
        Assert.Equal(3, conf.Nameservers.Count);
        Assert.Equal(["only.example"], conf.Search);
        Assert.Equal(15, conf.Ndots);
        Assert.Equal(TimeSpan.FromSeconds(1), conf.Timeout);
        Assert.Equal(5, conf.Attempts);
    }

    [Fact]
    public void AMissingFileIsTheDefault()
    {
        var conf = ResolvConf.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "resolv.conf"));
        Assert.Same(ResolvConf.Default, conf);
    }

    [Fact]
    public void TheSearchListFollowsNdots()
    {
        var search = new DnsSearch(["corp.example", "example.test"], ndots: 2);
        Assert.Equal(["www.corp.example", "www.example.test", "www"], search.Candidates("www").Select(n => n.ToString()));
        Assert.Equal(["a.b.c", "a.b.c.corp.example", "a.b.c.example.test"], search.Candidates("a.b.c").Select(n => n.ToString()));
        Assert.Equal(["www"], search.Candidates("www.").Select(n => n.ToString()));
        Assert.Equal(["www"], DnsSearch.None.Candidates("www").Select(n => n.ToString()));
    }

    [Fact]
    public void AResolverBuiltFromResolvConfUsesItsServersTimeoutsAndSearch()
    {
        var reactor = Torsion.Internet.Reactors.Create();
        try
        {
            var conf = ResolvConf.Parse("nameserver 192.0.2.1\nnameserver 192.0.2.2:5353\nsearch example.test\noptions timeout:3 attempts:2");
            var resolver = new Resolver(reactor, resolvConf: conf);
            Assert.Equal(conf.Nameservers, resolver.Servers);
            Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(3), 4), resolver.Timeouts);
            Assert.Equal(["example.test"], resolver.Search.Domains);
            var explicitServers = new Resolver(reactor, [new IPEndPoint(IPAddress.Loopback, 5300)]);
            Assert.Equal(Resolver.DefaultTimeouts, explicitServers.Timeouts);
            Assert.Equal([1, 3, 11, 45], explicitServers.Timeouts.Select(t => t.TotalSeconds));
        }
        finally
        {
            ((Torsion.Internet.ReactorBase)reactor).Dispose();
        }
    }
}
