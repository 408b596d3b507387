using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Web.WebSocket;
using static Torsion.Web.Tests.WebSocket.FrameBuilder;

namespace Torsion.Web.Tests.WebSocket;

/// <summary>
/// <see cref="WebSocketClient"/>: against raw-socket servers that answer wrongly or break the protocol,
/// against the Torsion server (close codes, back-pressure), and over TLS (wss://).
/// </summary>
public sealed class ClientTests : IDisposable
{
    private readonly ReactorThread _loop = new();

    public void Dispose() => _loop.Dispose();

    private Task<RecordingClient> Connect(string uri, WebSocketOptions? options = null, IReadOnlyList<string>? subprotocols = null, TlsClientOptions? tls = null)
    {
        var connected = new TaskCompletionSource<RecordingClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() =>
        {
            WebSocketClient.Connect(_loop.Reactor, new Uri(uri), () => new RecordingClient(), subprotocols: subprotocols, options: options, tls: tls)
                .AddCallbacks(p =>
                {
                    connected.SetResult(p);
                    return 0;
                }, f =>
                {
                    connected.SetException(f.Value);
                    return 0;
                });
        });
        return connected.Task;
    }

    private static TException Failure<TException>(Task task) where TException : Exception
    {
        Assert.True(task.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(60)), "The connection attempt did not end.");
        Assert.True(task.IsFaulted, "The connection attempt succeeded.");
        return Assert.IsType<TException>(task.Exception!.InnerException);
    }

    private int ListenEcho(List<EchoProtocol> protocols, WebSocketOptions? options = null, TlsServerOptions? tls = null) => _loop.Call(() =>
    {
        var factory = new WebSocketServerFactory(_loop.Reactor, () =>
        {
            var p = new EchoProtocol();
            protocols.Add(p);
            return p;
        }, options);
        var port = tls is null
            ? _loop.Reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1")
            : TlsReactor.ListenSsl(_loop.Reactor, 0, factory, tls, interfaceAddress: "127.0.0.1");
        return ((IPEndPoint)port.GetHost()).Port;
    });

    [Fact]
    public void AWrongAcceptValueFailsTheHandshake()
    {
        using var server = new RawWebSocketServer();
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/");
        server.AcceptRequest();
        server.Send(RawWebSocketServer.Accept("not the key"));
        Assert.Contains("Sec-WebSocket-Accept", Failure<WebSocketHandshakeException>(attempt).Message);
        Assert.True(server.ReadsEndOfStream());
    }

    [Fact]
    public void AnHttpErrorFailsTheHandshakeWithItsStatus()
    {
        using var server = new RawWebSocketServer();
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/missing");
        server.AcceptRequest();
        server.Send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(404, Failure<WebSocketHandshakeException>(attempt).StatusCode);
    }

    [Fact]
    public void ASubprotocolThatWasNotOfferedFailsTheHandshake()
    {
        using var server = new RawWebSocketServer();
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/", subprotocols: ["a"]);
        var key = server.AcceptRequest();
        server.Send(RawWebSocketServer.Accept(key, "Sec-WebSocket-Protocol: b\r\n"));
        Assert.Contains("subprotocol", Failure<WebSocketHandshakeException>(attempt).Message);
    }

    [Fact]
    public void AMalformedResponseHeadFailsTheHandshake()
    {
        using var server = new RawWebSocketServer();
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/");
        server.AcceptRequest();
        server.Send("HTTP/1.1 101 Switching Protocols\r\nUpgrade : websocket\r\n\r\n");
        Failure<WebSocketHandshakeException>(attempt);
    }

    [Fact]
    public void AFactoryThatThrowsFailsTheDeferredAndClosesTheConnection()
    {
        using var server = new RawWebSocketServer();
        var connected = new TaskCompletionSource<RecordingClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Call(() => WebSocketClient.Connect<RecordingClient>(_loop.Reactor, new Uri($"ws://127.0.0.1:{server.Port}/"), () => throw new InvalidOperationException("no protocol today"))
            .AddCallbacks(p =>
            {
                connected.SetResult(p);
                return 0;
            }, f =>
            {
                connected.SetException(f.Value);
                return 0;
            }));
        var key = server.AcceptRequest();
        server.Send(RawWebSocketServer.Accept(key));
        Assert.Contains("no protocol today", Failure<WebSocketHandshakeException>(connected.Task).Message);
        Assert.True(server.ReadsEndOfStream());
    }

    [Fact]
    public void ARefusedConnectionFailsTheDeferred()
    {
        int port;
        using (var probe = new RawWebSocketServer())
        {
            port = probe.Port;
        }
        var attempt = Connect($"ws://127.0.0.1:{port}/");
        Failure<ConnectionRefusedError>(attempt);
    }

    [Fact]
    public void FramesInTheSamePacketAsThe101AreDelivered()
    {
        using var server = new RawWebSocketServer();
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/");
        var key = server.AcceptRequest();
        server.Send(Concat(System.Text.Encoding.Latin1.GetBytes(RawWebSocketServer.Accept(key)), Text("first", mask: false)));
        var client = Waits.For(attempt, "The connection");
        Assert.Equal("first", RecordingClient.Take(client.Texts));
    }

    [Fact]
    public void AMaskedServerFrameGetsClose1002()
    {
        using var server = new RawWebSocketServer();
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/");
        var key = server.AcceptRequest();
        server.Send(RawWebSocketServer.Accept(key));
        var client = Waits.For(attempt, "The connection");
        server.Send(Text("masked", mask: true));
        Assert.Equal(1002, server.ReadClose());
        Assert.True(server.ReadsEndOfStream());
        var (code, _, clean) = client.WaitClosed();
        Assert.Equal((1002, false), (code, clean));
    }

    [Fact]
    public void TheClientAbortsWhenTheServerNeverClosesTcp()
    {
        using var server = new RawWebSocketServer();
        // Long enough for the reply to arrive on a loaded machine before the timer aborts.
        var attempt = Connect($"ws://127.0.0.1:{server.Port}/", new WebSocketOptions { CloseTimeout = 3 });
        var key = server.AcceptRequest();
        server.Send(RawWebSocketServer.Accept(key));
        var client = Waits.For(attempt, "The connection");
        _loop.Call(() => client.Close(1000, "bye"));
        Assert.Equal(1000, server.ReadClose());
        server.Send(Close(1000, mask: false)); // the reply, but TCP stays open
        Assert.Equal((1000, "", true), client.WaitClosed());
        Assert.True(server.ReadsEndOfStream());
    }

    [Fact]
    public void AnOversizeMessageIsClosedWith1009ByTheTorsionServer()
    {
        var protocols = new List<EchoProtocol>();
        var port = ListenEcho(protocols, new WebSocketOptions { MaxMessageSize = 100_000 });
        var client = Waits.For(Connect($"ws://127.0.0.1:{port}/"), "The connection");
        _loop.Call(() => client.SendBinary(new byte[100_000]));
        Assert.Equal(100_000, RecordingClient.Take(client.Binaries).Length);
        _loop.Call(() => client.SendBinary(new byte[100_001]));
        Assert.Equal((1009, true), client.WaitClosed() is var c ? (c.Code, c.Clean) : default);
        var server = _loop.Call(() => protocols.Single());
        Assert.Equal(1009, Waits.For(server.Closed.Task, "The server's OnClose").Code);
    }

    [Fact]
    public void ABigMessageGoesBothWaysFragmented()
    {
        var protocols = new List<EchoProtocol>();
        var port = ListenEcho(protocols, new WebSocketOptions { MaxOutgoingFrameSize = 100_000 });
        var client = Waits.For(Connect($"ws://127.0.0.1:{port}/", new WebSocketOptions { MaxOutgoingFrameSize = 7_000 }), "The connection");
        var big = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        _loop.Call(() => client.SendBinary(big));
        Assert.Equal(big, RecordingClient.Take(client.Binaries));
        _loop.Call(() => client.Close());
        Assert.Equal((1000, "", true), client.WaitClosed());
    }

    private sealed class FloodProducer(RecordingClient ws) : IPushProducer
    {
        public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Resumed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Sent { get; private set; }

        private bool _paused;

        public void Flood()
        {
            // Bounded: 2,000 messages of 16 KiB at most; the transport pauses us long before that.
            var chunk = new byte[16 * 1024];
            while (!_paused && Sent < 2000)
            {
                ws.SendBinary(chunk);
                Sent++;
            }
        }

        public void PauseProducing()
        {
            _paused = true;
            Paused.TrySetResult();
        }

        public void ResumeProducing()
        {
            _paused = false;
            Resumed.TrySetResult();
        }

        public void StopProducing() { }
    }

    [Fact]
    public void AProducerRegisteredOnTheProtocolIsPausedWhileThePeerDoesNotRead()
    {
        var protocols = new List<EchoProtocol>();
        var port = ListenEcho(protocols);
        var client = Waits.For(Connect($"ws://127.0.0.1:{port}/"), "The connection");
        _loop.Call(() => client.SendText("pause"));
        Assert.Equal("pause", RecordingClient.Take(client.Texts)); // the server has paused reading
        var producer = new FloodProducer(client);
        _loop.Call(() =>
        {
            client.RegisterProducer(producer, streaming: true);
            producer.Flood();
        });
        Waits.For(producer.Paused.Task, "Pausing the producer");
        Assert.True(producer.Sent < 2000);
        Assert.False(producer.Resumed.Task.IsCompleted);
        _loop.Call(() => protocols.Single().ResumeProducing());
        Waits.For(producer.Resumed.Task, "Resuming the producer");
        _loop.Call(() => client.UnregisterProducer());
    }

    private static (X509Certificate2 Ca, X509Certificate2 Leaf) Certificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=WebSocket Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        return (ca, signed.CopyWithPrivateKey(leafKey));
    }

    [Fact]
    public void WssRefusesAnUntrustedServer()
    {
        var (ca, leaf) = Certificates();
        using (ca)
        {
            // The core's TLS layer logs each failed handshake (client side, and server side when it sees the alert).
            var logged = Torsion.TestSupport.LoggedErrors.Expect<TlsHandshakeException>();
            var port = ListenEcho([], tls: new TlsServerOptions(leaf));
            var attempt = Connect($"wss://localhost:{port}/"); // system trust: the test CA is not in it
            Assert.Contains("not trusted", Failure<TlsHandshakeException>(attempt).Message);
            Assert.True(logged.Count >= 1);
        }
    }

    [Fact]
    public void WssWorksThroughTheCoresTls()
    {
        var (ca, leaf) = Certificates();
        using var _ = ca;
        var protocols = new List<EchoProtocol>();
        var port = ListenEcho(protocols, tls: new TlsServerOptions(leaf));
        var tls = new TlsClientOptions { TrustRoots = [ca] };
        var client = Waits.For(Connect($"wss://localhost:{port}/secure", tls: tls), "The TLS connection");
        _loop.Call(() => client.SendText("over tls"));
        Assert.Equal("over tls", RecordingClient.Take(client.Texts));
        _loop.Call(() => client.Close(1000, "tls bye"));
        Assert.Equal((1000, "", true), client.WaitClosed()); // Torsion echoes the code, not the reason
        Assert.Equal("/secure", _loop.Call(() => protocols.Single().Path));
    }
}
