using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet.Tls;

/// <summary>STARTTLS: a plain TCP conversation switches to TLS on a live connection, on every backend.</summary>
public sealed class StartTlsTests
{
    private static TestCertificates Certs => TestCertificates.Instance;

    /// <summary>Waits for "STARTTLS\r\n", answers "GO\r\n" in plain, switches to TLS, then echoes.</summary>
    private sealed class Server(LoopThreadCheck check, List<string> events) : Protocol, IHandshakeListener
    {
        private readonly StringBuilder _plain = new();
        private bool _tls;

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            check.Here("server DataReceived");
            if (_tls)
            {
                Assert.True(((ITlsTransport)Transport).IsHandshakeComplete);
                events.Add("server:secure-data:" + Encoding.ASCII.GetString(data));
                Transport.Write(data);
                return;
            }
            _plain.Append(Encoding.ASCII.GetString(data));
            if (_plain.ToString() == "STARTTLS\r\n")
            {
                events.Add("server:starttls");
                Transport.Write("GO\r\n"u8);
                var tls = Transport.StartTls(Certs.ServerOptions());
                Assert.Same(tls, Transport);
                _tls = true;
            }
        }

        public void HandshakeCompleted()
        {
            check.Here("server HandshakeCompleted");
            events.Add($"server:handshake:{((ITlsTransport)Transport).TlsVersion}");
        }
    }

    /// <summary>Asks for TLS, and once told "GO" switches and sends a secret before the handshake finishes.</summary>
    private sealed class Client(LoopThreadCheck check, List<string> events, TlsClientOptions options, Action done) : Protocol, IHandshakeListener
    {
        private readonly StringBuilder _plain = new();
        private readonly MemoryStream _secure = new();
        private bool _tls;
        public Failure? Reason { get; private set; }

        public override void ConnectionMade()
        {
            check.Here("client ConnectionMade");
            events.Add("client:made");
            Transport.Write("STARTTLS\r\n"u8);
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            check.Here("client DataReceived");
            if (_tls)
            {
                _secure.Write(data);
                if (_secure.Length >= 6)
                {
                    events.Add("client:echo:" + Encoding.ASCII.GetString(_secure.ToArray()));
                    Transport.LoseConnection();
                }
                return;
            }
            _plain.Append(Encoding.ASCII.GetString(data));
            if (_plain.ToString() == "GO\r\n")
            {
                events.Add("client:go");
                var tls = Transport.StartTls(options);
                _tls = true;
                Assert.False(tls.IsHandshakeComplete);
                // Written before the handshake: held, then sent encrypted once it finishes.
                Transport.Write("secret"u8);
            }
        }

        public void HandshakeCompleted()
        {
            check.Here("client HandshakeCompleted");
            events.Add($"client:handshake:{((ITlsTransport)Transport).RemoteCertificate?.Subject}");
        }

        public override void ConnectionLost(Failure reason)
        {
            check.Here("client ConnectionLost");
            Reason = reason;
            events.Add("client:lost");
            done();
        }
    }

    private static (List<string> Events, Client Client, LoopThreadCheck Check) Run(string name, TlsClientOptions options)
    {
        var reactor = ReactorNames.Create(name);
        var check = new LoopThreadCheck(reactor);
        var events = new List<string>();
        Client? client = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, new Factory(() => new Server(check, events)), interfaceAddress: "127.0.0.1");
            reactor.ConnectTcp("127.0.0.1", ((IPEndPoint)port.GetHost()).Port,
                new ClientFactory(() => client = new Client(check, events, options, () => reactor.CallLater(0, reactor.Stop))));
        });
        return (events, client!, check);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PlainConversationSwitchesToTls(string name)
    {
        var (events, client, check) = Run(name, Certs.ClientOptions());
        Assert.Equal("client:made", events[0]);
        Assert.Equal("server:starttls", events[1]);
        Assert.Equal("client:go", events[2]);
        Assert.Contains("client:handshake:CN=localhost", events);
        Assert.Contains(events, e => e.StartsWith("server:handshake:Tls", StringComparison.Ordinal));
        Assert.Contains("server:secure-data:secret", events);
        Assert.Contains("client:echo:secret", events);
        Assert.True(events.IndexOf("client:handshake:CN=localhost") < events.IndexOf("client:echo:secret"));
        Assert.Equal("client:lost", events[^1]);
        Assert.IsType<ConnectionDone>(client.Reason!.Value);
        check.AssertAllOnLoop();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AProtocolConnectedThroughAnEndpointGetsTheTlsTransport(string name)
    {
        // An endpoint puts a notifier between the transport and the protocol; STARTTLS must still give
        // the protocol the TLS transport, or its writes would go out in the clear (the server would
        // then see no "secret" over TLS and the client no echo).
        var reactor = ReactorNames.Create(name);
        var check = new LoopThreadCheck(reactor);
        var events = new List<string>();
        Client? client = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, new Factory(() => new Server(check, events)), interfaceAddress: "127.0.0.1");
            new TcpClientEndpoint(reactor, "127.0.0.1", ((IPEndPoint)port.GetHost()).Port)
                .Connect(new ClientFactory(() => client = new Client(check, events, Certs.ClientOptions(), () => reactor.CallLater(0, reactor.Stop))));
        });
        Assert.Contains("server:secure-data:secret", events);
        Assert.Contains("client:echo:secret", events);
        Assert.Contains("client:handshake:CN=localhost", events); // its HandshakeCompleted casts its Transport to ITlsTransport
        Assert.IsType<ConnectionDone>(client!.Reason!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FailedStartTlsHandshakeReachesConnectionLost(string name)
    {
        var expected = LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose
        var options = Certs.ClientOptions();
        options.TargetHost = "elsewhere.example";
        var (events, client, _) = Run(name, options);
        var error = Assert.IsType<TlsHandshakeException>(client.Reason!.Value);
        Assert.Contains("certificate validation failed", error.Message);
        Assert.DoesNotContain("server:secure-data:secret", events);
        Assert.DoesNotContain(events, e => e.StartsWith("client:handshake", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StartTlsOnATlsTransportIsRefused(string name)
    {
        var reactor = ReactorNames.Create(name);
        Exception? error = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = ((IReactorSsl)reactor).ListenSsl(0, new Factory(() => new Inner(e => error = e, reactor)), Certs.ServerOptions(), interfaceAddress: "127.0.0.1");
            ((IReactorSsl)reactor).ConnectSsl("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, new ClientFactory(() => new Inner(_ => { }, null)), Certs.ClientOptions());
        });
        Assert.IsType<NotSupportedException>(error);
    }

    private sealed class Inner(Action<Exception> report, IReactor? reactor) : Protocol
    {
        public override void ConnectionMade()
        {
            if (reactor is null) return;
            try
            {
                Transport.StartTls(Certs.ServerOptions());
            }
            catch (Exception e)
            {
                report(e);
            }
            reactor.CallLater(0, reactor.Stop);
        }
    }
}
