using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Internet.Tls;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>ssl: and tls: descriptions on every backend, with certificates from PEM files.</summary>
public sealed class TlsEndpointTests
{
    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private sealed class Greeter(Action<string> received) : Protocol
    {
        public override void ConnectionMade() => Transport.Write("secret"u8);
        public override void DataReceived(ReadOnlySpan<byte> data) => received(System.Text.Encoding.ASCII.GetString(data));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void SslServerAndTlsClientFromStrings(string name)
    {
        var certs = TestCertificates.Instance;
        var reactor = ReactorNames.Create(name);
        string? got = null;
        ITlsTransport? transport = null;
        ReactorRunner.Run(reactor, () =>
        {
            var server = Torsion.Internet.Endpoints.ServerFromString(reactor,
                $"ssl:0:interface=127.0.0.1:privateKey={certs.ServerKeyPath}:certKey={certs.ServerCertPath}");
            server.Listen(Factory.ForProtocol<Echo>()).AddCallback(port =>
            {
                var p = ((IPEndPoint)port.GetHost()).Port;
                var client = Torsion.Internet.Endpoints.ClientFromString(reactor, $"tls:localhost:{p}:trustRoots={certs.CaPath}:timeout=10");
                client.Connect(Factory.ForProtocol(() => new Greeter(text =>
                {
                    got = text;
                    reactor.Stop();
                }))).AddCallback(protocol => { transport = (ITlsTransport)((Protocol)protocol).Transport; });
            });
        });
        Assert.Equal("secret", got);
        Assert.True(transport!.IsHandshakeComplete);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ExtraCertChainIsSentSoAClientTrustingOnlyTheRootAccepts(string name)
    {
        var expected = LoggedErrors.Expect<TlsHandshakeException>(); // the second connection fails on purpose
        var certs = TestCertificates.Instance;
        Assert.Equal("secret", ConnectToChainedServer(name, $":extraCertChain={certs.IntermediatePath}"));
        // Without it the client cannot link the server's certificate to the root: the option is what did it.
        Assert.StartsWith("failed", ConnectToChainedServer(name, ""));
    }

    /// <summary>Serves the intermediate-signed certificate with <paramref name="extra"/> options; what a client trusting only the root got, or "failed: ...".</summary>
    private static string? ConnectToChainedServer(string name, string extra)
    {
        var certs = TestCertificates.Instance;
        var reactor = ReactorNames.Create(name);
        string? got = null;
        ReactorRunner.Run(reactor, () =>
        {
            var server = Torsion.Internet.Endpoints.ServerFromString(reactor,
                $"ssl:0:interface=127.0.0.1:privateKey={certs.ChainedServerKeyPath}:certKey={certs.ChainedServerCertPath}{extra}");
            server.Listen(Factory.ForProtocol<Echo>()).AddCallback(port =>
            {
                var p = ((IPEndPoint)port.GetHost()).Port;
                var client = Torsion.Internet.Endpoints.ClientFromString(reactor, $"tls:localhost:{p}:trustRoots={certs.CaPath}:timeout=10");
                client.Connect(Factory.ForProtocol(() => new Greeter(text =>
                {
                    got = text;
                    reactor.Stop();
                }))).AddErrback(f =>
                {
                    got = "failed: " + f.Value.Message;
                    reactor.Stop();
                    return (IProtocol)null!;
                });
            });
        });
        return got;
    }

    [Fact]
    public void SslWithMissingKeyFilesIsAClearError()
    {
        var e = Assert.Throws<EndpointSyntaxException>(() =>
            Torsion.Internet.Endpoints.ServerFromString(new Torsion.Testing.MemoryReactor(), "ssl:443:privateKey=/nonexistent/key.pem"));
        Assert.Contains("/nonexistent/key.pem", e.Message);
    }
}
