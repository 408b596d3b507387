using System.Net;
using System.Security.Cryptography;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>ListenSsl and ConnectSsl talking to each other on one loop, on every backend.</summary>
public sealed class TlsEchoTests
{
    private static TestCertificates Certs => TestCertificates.Instance;

    private sealed class Echo(LoopThreadCheck check) : Protocol
    {
        public string? Alpn { get; private set; }
        public override void ConnectionMade()
        {
            check.Here("server ConnectionMade");
            Alpn = ((ITlsTransport)Transport).NegotiatedApplicationProtocol;
            Assert.True(((ITlsTransport)Transport).IsHandshakeComplete);
        }
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            check.Here("server DataReceived");
            Transport.Write(data);
        }
        public override void ConnectionLost(Failure reason) => check.Here("server ConnectionLost");
    }

    /// <summary>Sends a payload once connected, collects the echo, closes when it is all back.</summary>
    private sealed class Sender(byte[] payload, LoopThreadCheck check, Action<Sender> done) : Protocol
    {
        private readonly MemoryStream _got = new();
        public byte[] Received => _got.ToArray();
        public string? Alpn { get; private set; }
        public bool Made { get; private set; }
        public Failure? Reason { get; private set; }
        public string? PeerSubject { get; private set; }

        public override void ConnectionMade()
        {
            check.Here("client ConnectionMade");
            Made = true;
            var tls = (ITlsTransport)Transport;
            Alpn = tls.NegotiatedApplicationProtocol;
            PeerSubject = tls.RemoteCertificate?.Subject;
            Transport.Write(payload);
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            check.Here("client DataReceived");
            _got.Write(data);
            if (_got.Length >= payload.Length)
            {
                Transport.LoseConnection();
            }
        }

        public override void ConnectionLost(Failure reason)
        {
            check.Here("client ConnectionLost");
            Reason = reason;
            done(this);
        }
    }

    private static Sender? RunEcho(string name, byte[] payload, string[] serverAlpn, string[] clientAlpn, out Echo? server, out LoopThreadCheck check)
    {
        var reactor = ReactorNames.Create(name);
        var ssl = (IReactorSsl)reactor;
        var loop = check = new LoopThreadCheck(reactor);
        Sender? client = null;
        Echo? echo = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = ssl.ListenSsl(0, new Factory(() => echo = new Echo(loop)), Certs.ServerOptions(serverAlpn), interfaceAddress: "127.0.0.1");
            var factory = new ClientFactory(() => client = new Sender(payload, loop, _ => reactor.CallLater(0, reactor.Stop)));
            ssl.ConnectSsl("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, factory, Certs.ClientOptions(clientAlpn));
        });
        server = echo;
        return client;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoThroughTls(string name)
    {
        var client = RunEcho(name, "hello, tls"u8.ToArray(), [], [], out _, out var check);
        Assert.NotNull(client);
        Assert.Equal("hello, tls"u8.ToArray(), client.Received);
        Assert.IsType<ConnectionDone>(client.Reason!.Value);
        Assert.Equal("CN=localhost", client.PeerSubject);
        Assert.Null(client.Alpn);
        check.AssertAllOnLoop();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OneMebibyteArrivesByteForByte(string name)
    {
        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);
        var client = RunEcho(name, payload, [], [], out _, out var check);
        Assert.NotNull(client);
        Assert.Equal(payload.Length, client.Received.Length);
        Assert.True(payload.AsSpan().SequenceEqual(client.Received), "The echoed megabyte differs from what was sent.");
        check.AssertAllOnLoop();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AlpnPicksH2WhenBothOfferIt(string name)
    {
        var client = RunEcho(name, "x"u8.ToArray(), ["h2", "http/1.1"], ["h2", "http/1.1"], out var server, out var check);
        Assert.Equal("h2", client!.Alpn);
        Assert.Equal("h2", server!.Alpn);
        check.AssertAllOnLoop();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AlpnFallsBackToHttp11(string name)
    {
        var client = RunEcho(name, "x"u8.ToArray(), ["h2", "http/1.1"], ["http/1.1"], out var server, out _);
        Assert.Equal("http/1.1", client!.Alpn);
        Assert.Equal("http/1.1", server!.Alpn);
    }
}
