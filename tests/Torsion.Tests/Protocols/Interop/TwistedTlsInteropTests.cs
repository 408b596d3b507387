using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;
using Torsion.Tests.Internet.Tls;
using Torsion.Tests.Support;
using Torsion.TestSupport;

namespace Torsion.Tests.Protocols.Interop;

/// <summary>
/// TLS against Python Twisted, both ways, with each side checking the other's certificate as it
/// would in production: a Twisted client (<c>optionsForClientTLS</c> with a trust root) against a
/// Torsion <see cref="IReactorSsl.ListenSsl"/> server, and a Torsion <see cref="IReactorSsl.ConnectSsl"/>
/// client against a Twisted <c>listenSSL</c> server. An untrusted certificate or a wrong host name
/// must fail the connection with a TLS error on the checking side, before any message gets through.
/// </summary>
public sealed class TwistedTlsInteropTests
{
    private static TestCertificates Certs => TestCertificates.Instance;

    // The long one spans several TLS records (16 KiB each) yet stays under the line limit, 16384.
    private static readonly byte[][] Messages =
        ["hello"u8.ToArray(), [], "over TLS"u8.ToArray(), [.. Enumerable.Repeat((byte)'x', 16_000)]];

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TwistedClientTrustingTheCaTalksToATorsionSslServer(string name)
    {
        var run = RunTorsionServer(name, Certs.ServerOptions(), "localhost");
        Assert.True(run.ExitCode == 0, run.Peer.Output);
        Assert.Equal(Messages.Select(Convert.ToHexStringLower), run.Received);
        Assert.Equal(Messages.Select(Acked), TwistedPeer.ReadUntilDone(run.Peer));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TwistedClientRefusesAnUntrustedTorsionServer(string name)
    {
        LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose, and is logged
        var run = RunTorsionServer(name, TlsServerOptions.FromPemFiles(Certs.SelfSignedCertPath, Certs.SelfSignedKeyPath), "localhost");
        Assert.True(run.ExitCode == 1, run.Peer.Output);
        var lost = run.Peer.WaitForLine(l => l.StartsWith("lost ", StringComparison.Ordinal), timeoutSeconds: 60);
        Assert.Contains("certificate verify failed", lost);
        Assert.Empty(run.Received);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TwistedClientRefusesATorsionServerForAnotherHostName(string name)
    {
        LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose, and is logged
        var run = RunTorsionServer(name, Certs.ServerOptions(), "not-localhost.example");
        Assert.True(run.ExitCode == 1, run.Peer.Output);
        var lost = run.Peer.WaitForLine(l => l.StartsWith("lost ", StringComparison.Ordinal), timeoutSeconds: 60);
        Assert.Contains("not-localhost.example", lost);
        Assert.Empty(run.Received);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TorsionClientTrustingTheCaTalksToATwistedSslServer(string name)
    {
        var run = RunTwistedServer(name, Certs.ServerCertPath, Certs.ServerKeyPath, Certs.ClientOptions());
        Assert.Null(run.Failed);
        Assert.Equal(Messages.Select(Acked), run.Acks);
        Assert.Equal(Messages.Select(Convert.ToHexStringLower), run.PeerGot);
        Assert.Equal(0, run.ExitCode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TorsionClientRefusesAnUntrustedTwistedServer(string name)
    {
        LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose, and is logged
        var run = RunTwistedServer(name, Certs.SelfSignedCertPath, Certs.SelfSignedKeyPath, Certs.ClientOptions());
        var error = Assert.IsType<TlsHandshakeException>(run.Failed?.Value);
        Assert.Contains("UntrustedRoot", error.Message);
        Assert.Empty(run.Acks);
        Assert.Empty(run.PeerGot);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TorsionClientRefusesATwistedServerForAnotherHostName(string name)
    {
        LoggedErrors.Expect<TlsHandshakeException>(); // the handshake fails on purpose, and is logged
        var options = Certs.ClientOptions();
        options.TargetHost = "not-localhost.example";
        var run = RunTwistedServer(name, Certs.ServerCertPath, Certs.ServerKeyPath, options);
        var error = Assert.IsType<TlsHandshakeException>(run.Failed?.Value);
        Assert.Contains("RemoteCertificateNameMismatch", error.Message);
        Assert.Empty(run.Acks);
        Assert.Empty(run.PeerGot);
    }

    private static string Acked(byte[] m) => Convert.ToHexStringLower([.. "ack:"u8, .. m]);

    private sealed record ServerRun(ChildProcess Peer, int ExitCode, List<string> Received);

    /// <summary>
    /// A Torsion TLS server answering "ack:" + each line, and twisted_client.py trusting only the
    /// test CA and checking <paramref name="hostname"/>; runs until the client exits.
    /// </summary>
    private static ServerRun RunTorsionServer(string name, TlsServerOptions options, string hostname)
    {
        TwistedPeer.Require();
        var reactor = ReactorNames.Create(name);
        var ssl = ReactorNames.Require<IReactorSsl>(reactor);
        var file = TwistedPeer.WriteMessages(Messages);
        var received = new List<string>();
        ChildProcess? peer = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var port = ssl.ListenSsl(0, Factory.ForProtocol(() => new Acker(received)), options, interfaceAddress: "127.0.0.1");
                var portNumber = ((IPEndPoint)port.GetHost()).Port;
                peer = TwistedPeer.Start("twisted_client.py", "lines", portNumber.ToString(), file, Certs.CaPath, hostname);
                TwistedPeer.StopIfExits(reactor, peer);
            }, timeout: 60);
            return new ServerRun(peer!, peer!.WaitForExit(), received);
        }
        catch
        {
            peer?.Dispose();
            throw;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed record ClientRun(Failure? Failed, List<string> Acks, List<string> PeerGot, int ExitCode);

    /// <summary>
    /// twisted_server.py serving TLS with <paramref name="cert"/>, and a Torsion ConnectSsl client
    /// sending the messages and closing once all are answered (or failing the handshake).
    /// </summary>
    private static ClientRun RunTwistedServer(string name, string cert, string key, TlsClientOptions options)
    {
        TwistedPeer.Require();
        var reactor = ReactorNames.Create(name);
        var ssl = ReactorNames.Require<IReactorSsl>(reactor);
        using var peer = TwistedPeer.Start("twisted_server.py", "lines", cert, key);
        var port = TwistedPeer.WaitForPort(peer);
        var acks = new List<string>();
        Failure? failed = null;
        ReactorRunner.Run(reactor, () =>
        {
            var factory = new Client(() => new Sender(acks, reactor), reason =>
            {
                failed = reason;
                reactor.Stop();
            });
            ssl.ConnectSsl("127.0.0.1", port, factory, options, timeout: 10);
        }, timeout: 60);
        var exitCode = peer.WaitForExit();
        return new ClientRun(failed, acks, TwistedPeer.ReadUntilDone(peer), exitCode);
    }

    private sealed class Acker(List<string> received) : LineReceiver
    {
        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            received.Add(Convert.ToHexStringLower(line));
            SendLine([.. "ack:"u8, .. line]);
        }
    }

    private sealed class Sender(List<string> acks, IReactor reactor) : LineReceiver
    {
        public override void ConnectionMade()
        {
            foreach (var m in Messages) SendLine(m);
        }

        public override void LineReceived(ReadOnlySpan<byte> line)
        {
            acks.Add(Convert.ToHexStringLower(line));
            if (acks.Count == Messages.Length) Transport.LoseConnection();
        }

        public override void ConnectionLost(Failure reason) => reactor.Stop();
    }

    private sealed class Client(Func<IProtocol> make, Action<Failure> failed) : ClientFactory(make)
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }
}
