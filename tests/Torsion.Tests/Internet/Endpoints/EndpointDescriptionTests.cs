using Torsion.Internet;
using Torsion.Testing;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>Twisted's description syntax: ':' separates, '=' names, '\' escapes; bad input names its bad part.</summary>
public sealed class EndpointDescriptionTests
{
    [Fact]
    public void PositionalAndNamedFields()
    {
        var d = EndpointDescription.Parse("tcp:8080:interface=127.0.0.1:backlog=10");
        Assert.Equal("tcp", d.Type);
        Assert.Equal(["8080"], d.Positional);
        Assert.Equal("127.0.0.1", d.Named["interface"]);
        Assert.Equal("10", d.Named["backlog"]);
    }

    [Fact]
    public void BackslashEscapesColonsEqualsAndItself()
    {
        var d = EndpointDescription.Parse(@"tcp6:80:interface=\:\:1:path=a\=b\\c");
        Assert.Equal("::1", d.Named["interface"]);
        Assert.Equal(@"a=b\c", d.Named["path"]);
    }

    [Fact]
    public void OnlyTheFirstEqualsNamesAField()
    {
        Assert.Equal("b=c", EndpointDescription.Parse("x:a=b=c").Named["a"]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("tcp:80\\", "lone")]
    [InlineData("tcp:80:backlog=1:backlog=2", "'backlog' is given twice")]
    [InlineData("=tcp:80", "endpoint type")]
    [InlineData("tcp:=5", "no name")]
    public void MalformedDescriptionsAreClearErrors(string text, string expected)
    {
        var e = Assert.Throws<EndpointSyntaxException>(() => EndpointDescription.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("tcp", "needs a port")]
    [InlineData("tcp:http", "'http' is not a number")]
    [InlineData("tcp:70000", "out of range")]
    [InlineData("tcp:80:interface=localhost", "not an IP address")]
    [InlineData("tcp:80:interfce=127.0.0.1", "has no option 'interfce'")]
    [InlineData("unix", "needs a path")]
    [InlineData("unix:/tmp/x:mode=999", "not a octal number")]
    [InlineData("unix:/tmp/x:lockfile=maybe", "not 1/0")]
    [InlineData("systemd:domain=IPX:index=0", "domain 'IPX'")]
    [InlineData("systemd:domain=INET", "needs index=N or name=NAME")]
    [InlineData("systemd:domain=INET:index=0", "index 0 is not one of them")]
    [InlineData("quic:443", "unknown server endpoint type 'quic'")]
    public void ServerDescriptionErrorsNameTheBadPart(string text, string expected)
    {
        var e = Assert.Throws<EndpointSyntaxException>(() => Torsion.Internet.Endpoints.ServerFromString(new MemoryReactor(), text));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("tcp:host=example.com", "needs port=N")]
    [InlineData("tcp:port=80", "needs host")]
    [InlineData("tcp:host=h:port=80:timeout=soon", "not a number of seconds")]
    [InlineData("tcp:host=h:port=80:bindAddress=me", "not an IP address")]
    [InlineData("unix:timeout=3", "needs path")]
    [InlineData("carrier-pigeon:host=x", "unknown client endpoint type")]
    public void ClientDescriptionErrorsNameTheBadPart(string text, string expected)
    {
        var e = Assert.Throws<EndpointSyntaxException>(() => Torsion.Internet.Endpoints.ClientFromString(new MemoryReactor(), text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ServerDescriptionsReachTheReactorWithTheirOptions()
    {
        var reactor = new MemoryReactor();
        var factory = Factory.ForProtocol(() => new NullProtocol());
        Torsion.Internet.Endpoints.ServerFromString(reactor, "tcp:8080:interface=127.0.0.1:backlog=7").Listen(factory);
        Torsion.Internet.Endpoints.ServerFromString(reactor, "tcp6:9090").Listen(factory);
        Torsion.Internet.Endpoints.ServerFromString(reactor, "unix:/run/app.sock:mode=660:lockfile=1").Listen(factory);
        Assert.Equal(new TcpServerRecord(8080, factory, 7, "127.0.0.1"), reactor.TcpServers[0]);
        Assert.Equal(new TcpServerRecord(9090, factory, IReactorTcp.DefaultBacklog, "::"), reactor.TcpServers[1]);
        Assert.Equal(new UnixServerRecord("/run/app.sock", factory, IReactorTcp.DefaultBacklog, Convert.ToInt32("660", 8), true), reactor.UnixServers[0]);
    }

    [Fact]
    public void ClientDescriptionsReachTheReactorWithTheirOptions()
    {
        var reactor = new MemoryReactor();
        var factory = Factory.ForProtocol(() => new NullProtocol());
        Torsion.Internet.Endpoints.ClientFromString(reactor, "tcp:host=example.com:port=80:timeout=5").Connect(factory);
        Torsion.Internet.Endpoints.ClientFromString(reactor, "tcp:example.org:443").Connect(factory);
        Torsion.Internet.Endpoints.ClientFromString(reactor, "unix:path=/run/app.sock:checkPID=1").Connect(factory);
        Assert.Equal(("example.com", 80, 5.0), (reactor.TcpClients[0].Host, reactor.TcpClients[0].Port, reactor.TcpClients[0].Timeout));
        Assert.Equal(("example.org", 443, 30.0), (reactor.TcpClients[1].Host, reactor.TcpClients[1].Port, reactor.TcpClients[1].Timeout));
        Assert.Equal(("/run/app.sock", true), (reactor.UnixClients[0].Path, reactor.UnixClients[0].CheckPid));
    }

    private sealed class NullProtocol : Protocol { }
}
