using System.CommandLine;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names.Tap;
using Torsion.Names.Wire;
using Torsion.Plugins;
using Torsion.Services;

namespace Torsion.Names.Tests.Tap;

/// <summary>The dns plugin's options: parsing, the zone-file check, the origin taken from a file's name, and the resolvers --cache, --hosts-file and --recursive ask the factory for.</summary>
public sealed class DnsServiceMakerTests
{
    private sealed class RecordingFactory : IDnsResolverFactory
    {
        public List<string> Calls { get; } = [];

        public IDnsCache CreateCache(IReactor reactor)
        {
            Calls.Add("cache");
            return new Server.FakeCache();
        }

        public IResolver CreateHostsResolver(string path, IReactor reactor)
        {
            Calls.Add("hosts " + path);
            return new Server.FakeClient(q => Deferred.Fail<DnsLookupResult>(new DnsCacheMissException(q)));
        }

        public IResolver CreateClient(string? resolvConf, IReactor reactor)
        {
            Calls.Add("client " + (resolvConf ?? "(system)"));
            return new Server.FakeClient(q => Deferred.Fail<DnsLookupResult>(new DnsServerFailureException(q)));
        }
    }

    private static (ParseResult Parse, IServiceMaker Maker) Parse(IServiceMaker maker, params string[] args)
    {
        var command = new RootCommand();
        maker.ConfigureOptions(command);
        return (command.Parse(args), maker);
    }

    private static string ZoneFile(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("/zones/example.com.zone", "example.com")]
    [InlineData("db.example.org", "example.org")]
    [InlineData("example.net", "example.net")]
    [InlineData("/x/Example.DB", "Example")]
    [InlineData("zone", "zone")]
    [InlineData("a..b", ".")]
    public void OriginComesFromTheFileName(string path, string origin) =>
        Assert.Equal(DnsName.Parse(origin), DnsServiceMaker.OriginFromFileName(path));

    [Fact]
    public void ZoneFilesAreCheckedWhileParsingAndRelativeNamesTakeTheFileName()
    {
        var dir = Directory.CreateTempSubdirectory("dns-maker").FullName;
        try
        {
            var good = ZoneFile(dir, "example.org.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\nwww A 192.0.2.1\n");
            var bad = ZoneFile(dir, "bad.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n\nwww A nowhere\n");
            var (ok, _) = Parse(new DnsServiceMaker(), "--bindzone", good, "-p", "5353", "-i", "127.0.0.1", "-v", "--allow-transfer", "10.0.0.0/8");
            Assert.Empty(ok.Errors);
            var (wrong, _) = Parse(new DnsServiceMaker(), "--bindzone", good, "--bindzone", bad);
            var error = Assert.Single(wrong.Errors);
            Assert.Contains("bad.zone:4: 'nowhere' is not an IPv4 address", error.Message, StringComparison.Ordinal);
            Assert.NotEmpty(Parse(new DnsServiceMaker(), "--allow-transfer", "not-a-network").Parse.Errors);
            Assert.NotEmpty(Parse(new DnsServiceMaker(), "--port", "65536").Parse.Errors);

            // The zone is example.org, from the file's name.
            var maker = new DnsServiceMaker();
            var (parse, _) = Parse(maker, "--bindzone", good, "-p", "0");
            var reactor = Reactors.Create();
            try
            {
                var service = Assert.IsType<MultiService>(maker.MakeService(parse, reactor));
                Assert.Equal([typeof(UdpServer), typeof(TcpServer)], service.Services.Select(s => s.GetType()));
            }
            finally
            {
                ((ReactorBase)reactor).Dispose();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ResolversComeFromTheFactoryAsTwistdBuildsThem()
    {
        var dir = Directory.CreateTempSubdirectory("dns-maker").FullName;
        var reactor = Reactors.Create();
        try
        {
            var resolvConf = ZoneFile(dir, "resolv.conf", "nameserver 127.0.0.1\n");
            var hosts = ZoneFile(dir, "hosts", "127.0.0.1 localhost\n");
            var factory = new RecordingFactory();
            var maker = new DnsServiceMaker(factory);
            var (parse, _) = Parse(maker, "-p", "0", "--cache", "--hosts-file", hosts, "--resolv-conf", resolvConf);
            Assert.Empty(parse.Errors);
            maker.MakeService(parse, reactor);
            Assert.Equal(["cache", "hosts " + hosts, "client " + resolvConf], factory.Calls);

            factory.Calls.Clear();
            var (recursive, _) = Parse(maker, "-p", "0", "-r");
            maker.MakeService(recursive, reactor);
            Assert.Equal(["client (system)"], factory.Calls);

            var (missing, _) = Parse(maker, "-p", "0", "--hosts-file", Path.Combine(dir, "nothing"));
            Assert.Contains("no such file", Assert.Throws<PluginOptionsException>(() => maker.MakeService(missing, reactor)).Message, StringComparison.Ordinal);
        }
        finally
        {
            ((ReactorBase)reactor).Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheDefaultMakerBuildsTheClientResolvers()
    {
        var dir = Directory.CreateTempSubdirectory("dns-maker").FullName;
        var reactor = Reactors.Create();
        try
        {
            var resolvConf = ZoneFile(dir, "resolv.conf", "nameserver 127.0.0.1:5399\n");
            var hosts = ZoneFile(dir, "hosts", "127.0.0.1 localhost\n");
            var maker = new DnsServiceMaker();
            var (parse, _) = Parse(maker, "-p", "0", "--cache", "--hosts-file", hosts, "--resolv-conf", resolvConf);
            Assert.Empty(parse.Errors);
            Assert.IsType<MultiService>(maker.MakeService(parse, reactor));
        }
        finally
        {
            ((ReactorBase)reactor).Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
