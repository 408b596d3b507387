using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet.Tls;

/// <summary>A client refuses servers it should not trust; what each side sees when a handshake fails.</summary>
public sealed class TlsValidationTests
{
    private static TestCertificates Certs => TestCertificates.Instance;

    private sealed class Watcher(List<string> events, string side) : Protocol
    {
        public override void ConnectionMade()
        {
            events.Add($"{side}:made");
            Transport.Write("hi"u8);
        }
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            events.Add($"{side}:data");
            Transport.LoseConnection();
        }
        public override void ConnectionLost(Failure reason) => events.Add($"{side}:lost");
    }

    /// <summary>Runs one connection; returns the client factory once it heard the outcome.</summary>
    private static TlsClientRecorder Attempt(string name, TlsServerOptions serverOptions, TlsClientOptions clientOptions, List<string> events)
    {
        var reactor = ReactorNames.Create(name);
        var ssl = (IReactorSsl)reactor;
        TlsClientRecorder? factory = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = ssl.ListenSsl(0, new Factory(() => new Watcher(events, "server")), serverOptions, interfaceAddress: "127.0.0.1");
            factory = new TlsClientRecorder(() => new Watcher(events, "client"), () => reactor.CallLater(0, reactor.Stop));
            ssl.ConnectSsl("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, factory, clientOptions);
        });
        return factory!;
    }

    private static TlsServerOptions SelfSignedServer() => TlsServerOptions.FromPemFiles(Certs.SelfSignedCertPath, Certs.SelfSignedKeyPath);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ClientTrustingOnlyTheCaRefusesASelfSignedServer(string name)
    {
        var expected = LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose
        var events = new List<string>();
        var factory = Attempt(name, SelfSignedServer(), Certs.ClientOptions(), events);
        Assert.Equal(["startFactory", "failed", "stopFactory"], factory.Events);
        var error = Assert.IsType<TlsHandshakeException>(factory.FailedReason!.Value);
        Assert.Contains("certificate validation failed", error.Message);
        Assert.Contains("UntrustedRoot", error.Message);
        Assert.DoesNotContain("client:made", events);
        Assert.DoesNotContain("client:lost", events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TrustRootsFromAPemBundleAccept(string name)
    {
        var events = new List<string>();
        var options = new TlsClientOptions { TargetHost = "localhost", TrustRootsPath = Certs.CaPath };
        var factory = Attempt(name, Certs.ServerOptions(), options, events);
        Assert.Null(factory.FailedReason);
        Assert.Contains("client:made", events);
        Assert.Contains("client:data", events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WrongTargetHostIsRefused(string name)
    {
        var expected = LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose
        var events = new List<string>();
        var options = Certs.ClientOptions();
        options.TargetHost = "not-localhost.example";
        var factory = Attempt(name, Certs.ServerOptions(), options, events);
        var error = Assert.IsType<TlsHandshakeException>(factory.FailedReason!.Value);
        Assert.Contains("RemoteCertificateNameMismatch", error.Message);
        Assert.DoesNotContain("client:made", events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TheIpAddressIsCheckedWhenNoTargetHostIsGiven(string name)
    {
        var events = new List<string>();
        // The certificate names 127.0.0.1 too, so connecting by address with no TargetHost succeeds.
        var options = new TlsClientOptions { TrustRoots = [Certs.Ca] };
        var factory = Attempt(name, Certs.ServerOptions(), options, events);
        Assert.Null(factory.FailedReason);
        Assert.Contains("client:data", events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AllowUntrustedAcceptsTheSelfSignedServer(string name)
    {
        var events = new List<string>();
        var options = new TlsClientOptions { TargetHost = "localhost", TrustRoots = [Certs.Ca], AllowUntrusted = true };
        var factory = Attempt(name, SelfSignedServer(), options, events);
        Assert.Null(factory.FailedReason);
        Assert.Contains("client:made", events);
        Assert.Contains("server:made", events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void NoSharedAlpnProtocolFailsTheHandshake(string name)
    {
        var expected = LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose
        var events = new List<string>();
        var server = Certs.ServerOptions("h2");
        var factory = Attempt(name, server, Certs.ClientOptions("http/1.1"), events);
        Assert.IsType<TlsHandshakeException>(factory.FailedReason!.Value);
        Assert.DoesNotContain("server:made", events);
    }
}
