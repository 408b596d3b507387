using System.Net;
using Torsion.Names.Client;
using Torsion.Names.Wire;
using Torsion.Testing;

namespace Torsion.Names.Tests.Client;

/// <summary>The hosts file: A, AAAA and PTR answers, aliases, case, "not here" for the rest, and re-reading.</summary>
public sealed class HostsResolverTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "torsion-hosts-" + Guid.NewGuid().ToString("N"));
    private readonly Clock _clock = new();

    public HostsResolverTests() => File.WriteAllText(_path, """
        # The usual lines
        127.0.0.1   localhost
        192.0.2.10  Web.Example.Test web alias2   # trailing comment
        2001:db8::10 web.example.test
        192.0.2.11  web.example.test
        not-an-ip   broken.example.test
        192.0.2.12  bad..name good.example.test
        ::1         localhost ip6-localhost
        """);

    public void Dispose() => File.Delete(_path);

    private static DnsLookupResult Run(Torsion.Defer.Deferred<DnsLookupResult> lookup)
    {
        DnsLookupResult? result = null;
        Exception? error = null;
        lookup.AddBoth(o =>
        {
            if (o.Succeeded) result = o.Value; else error = o.Failure!.Value;
            return 0;
        });
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return result ?? throw new InvalidOperationException("A hosts lookup answers at once.");
    }

    [Fact]
    public void AddressesOfEachFamilyInFileOrderIgnoringCase()
    {
        var hosts = new HostsResolver(_clock, _path);
        var a = Run(hosts.LookupAddress("WEB.example.TEST"));
        Assert.Equal([new ARecord("192.0.2.10"), new ARecord("192.0.2.11")], a.Answers.Select(r => r.Data));
        Assert.All(a.Answers, r => Assert.Equal(DnsName.Parse("web.example.test"), r.Name));
        var aaaa = Run(hosts.LookupIPv6Address("web.example.test"));
        Assert.Equal(new AaaaRecord("2001:db8::10"), Assert.Single(aaaa.Answers).Data);
        Assert.Equal(3, Run(hosts.LookupAllRecords("web.example.test")).Answers.Count);
        Assert.Equal(new ARecord("192.0.2.10"), Assert.Single(Run(hosts.LookupAddress("alias2")).Answers).Data);
        Assert.Equal(new AaaaRecord("::1"), Assert.Single(Run(hosts.LookupIPv6Address("ip6-localhost")).Answers).Data);
        Assert.Equal(new ARecord("192.0.2.12"), Assert.Single(Run(hosts.LookupAddress("good.example.test")).Answers).Data);
    }

    [Fact]
    public void PointersGiveTheCanonicalName()
    {
        var hosts = new HostsResolver(_clock, _path);
        var ptr = Run(hosts.LookupPointer("10.2.0.192.in-addr.arpa"));
        Assert.Equal(new PtrRecord(DnsName.Parse("Web.Example.Test")), Assert.Single(ptr.Answers).Data);
        var v6 = Run(hosts.LookupPointer(ReverseName.FromAddress(IPAddress.Parse("2001:db8::10")).ToString()));
        Assert.Equal(new PtrRecord(DnsName.Parse("web.example.test")), Assert.Single(v6.Answers).Data);
    }

    [Fact]
    public void WhatTheFileDoesNotHoldIsNotHere()
    {
        var hosts = new HostsResolver(_clock, _path);
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupAddress("elsewhere.example.test")));
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupAddress("broken.example.test")));
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupIPv6Address("alias2")));
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupMailExchange("web.example.test")));
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupPointer("99.2.0.192.in-addr.arpa")));
        Assert.Throws<DnsCacheMissException>(() => Run(new HostsResolver(_clock, _path + ".missing").LookupAddress("localhost")));
    }

    [Fact]
    public void AChangedFileIsReadAgain()
    {
        var hosts = new HostsResolver(_clock, _path);
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupAddress("new.example.test")));
        File.AppendAllText(_path, "\n192.0.2.77 new.example.test\n");
        // Within the recheck interval the file is not looked at again...
        Assert.Throws<DnsCacheMissException>(() => Run(hosts.LookupAddress("new.example.test")));
        _clock.Advance(1.5);
        // ...after it, the change (a new length) is seen.
        Assert.Equal(new ARecord("192.0.2.77"), Assert.Single(Run(hosts.LookupAddress("new.example.test")).Answers).Data);
    }

    [Fact]
    public void ReverseNamesRoundTrip()
    {
        foreach (var text in new[] { "192.0.2.1", "10.0.0.255", "2001:db8::1", "fe80::abcd:1234" })
        {
            var address = IPAddress.Parse(text);
            Assert.True(ReverseName.TryGetAddress(ReverseName.FromAddress(address), out var back));
            Assert.Equal(address, back);
        }
        Assert.Equal("1.2.0.192.in-addr.arpa", ReverseName.FromAddress(IPAddress.Parse("192.0.2.1")).ToString());
        Assert.Equal("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", ReverseName.FromAddress(IPAddress.Parse("2001:db8::1")).ToString());
        Assert.False(ReverseName.TryGetAddress(DnsName.Parse("2.0.192.in-addr.arpa"), out _));
        Assert.False(ReverseName.TryGetAddress(DnsName.Parse("01.2.0.192.in-addr.arpa"), out _));
        Assert.False(ReverseName.TryGetAddress(DnsName.Parse("www.example.test"), out _));
    }
}
