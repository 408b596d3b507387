using System.Net;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>Torsion's TLS against OpenSSL's own client and server (the openssl binary), on every backend.</summary>
public sealed class OpenSslInteropTests
{
    private static TestCertificates Certs => TestCertificates.Instance;

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OpenSslClientTalksToListenSsl(string name)
    {
        OpenSslProcess.RequireBinary();
        var reactor = ReactorNames.Create(name);
        string? echoed = null;
        Exception? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = ((IReactorSsl)reactor).ListenSsl(0, Factory.ForProtocol<Echo>(), Certs.ServerOptions(), interfaceAddress: "127.0.0.1");
            var portNumber = ((IPEndPoint)port.GetHost()).Port;
            reactor.CallInThread(() =>
            {
                try
                {
                    using var client = OpenSslProcess.Start("s_client", "-connect", $"127.0.0.1:{portNumber}", "-CAfile", Certs.CaPath,
                        "-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error", "-quiet", "-no_ign_eof");
                    client.WriteLine("hello from openssl");
                    var line = client.WaitForLine(l => l.Contains("hello", StringComparison.Ordinal));
                    client.CloseInput();
                    client.WaitForExit();
                    reactor.CallFromThread(() => { echoed = line; reactor.Stop(); });
                }
                catch (Exception e)
                {
                    reactor.CallFromThread(() => { failure = e; reactor.Stop(); });
                }
            });
        });
        Assert.Null(failure);
        Assert.Equal("hello from openssl", echoed);
    }

    /// <summary>Sends "ping", expects "pong" typed into s_server's stdin, then closes.</summary>
    private sealed class Pinger(Action<Pinger> done) : Protocol
    {
        private readonly StringBuilder _got = new();
        public string Received => _got.ToString();
        public string? Alpn { get; private set; }
        public Failure? Reason { get; private set; }

        public override void ConnectionMade()
        {
            Alpn = ((ITlsTransport)Transport).NegotiatedApplicationProtocol;
            Transport.Write("ping\n"u8);
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            _got.Append(Encoding.ASCII.GetString(data));
            if (_got.ToString().Contains("pong\n", StringComparison.Ordinal))
            {
                Transport.LoseConnection();
            }
        }

        public override void ConnectionLost(Failure reason)
        {
            Reason = reason;
            done(this);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectSslTalksToOpenSslServer(string name)
    {
        OpenSslProcess.RequireBinary();
        var reactor = ReactorNames.Create(name);
        using var server = OpenSslProcess.Start("s_server", "-accept", "127.0.0.1:0", "-cert", Certs.ServerCertPath, "-key", Certs.ServerKeyPath,
            "-naccept", "1", "-alpn", "h2,http/1.1");
        var accept = server.WaitForLine(l => l.StartsWith("ACCEPT", StringComparison.Ordinal));
        var port = int.Parse(accept[(accept.LastIndexOf(':') + 1)..]);
        Pinger? pinger = null;
        TlsClientRecorder? factory = null;
        Exception? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            factory = new TlsClientRecorder(() => new Pinger(p => { pinger = p; reactor.CallLater(0, reactor.Stop); }),
                () => { if (factory!.FailedReason is not null) reactor.CallLater(0, reactor.Stop); });
            var options = Certs.ClientOptions("h2");
            ((IReactorSsl)reactor).ConnectSsl("127.0.0.1", port, factory, options);
            reactor.CallInThread(() =>
            {
                try
                {
                    server.WaitForLine(l => l == "ping");
                    server.WriteLine("pong");
                }
                catch (Exception e)
                {
                    reactor.CallFromThread(() => { failure = e; reactor.Stop(); });
                }
            });
        });
        Assert.Null(failure);
        Assert.Null(factory!.FailedReason);
        Assert.NotNull(pinger);
        Assert.Equal("h2", pinger.Alpn);
        Assert.Equal("pong\n", pinger.Received);
    }
}
