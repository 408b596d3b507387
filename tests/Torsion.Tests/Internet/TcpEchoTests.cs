using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>TCP servers and clients on a real loop, on every backend, against real sockets on 127.0.0.1.</summary>
public sealed class TcpEchoTests
{
    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoServerAnswersABlockingClient(string name)
    {
        var reactor = ReactorNames.Create(name);
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            Assert.NotEqual(0, endpoint.Port);
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                var stream = client.GetStream();
                stream.Write("hello, torsion"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var text = reader.ReadToEnd();
                reactor.CallFromThread(() =>
                {
                    reply = text;
                    reactor.Stop();
                });
            });
        });
        Assert.Equal("hello, torsion", reply);
    }

    private sealed class Collect(Action<byte[]> done) : Protocol
    {
        private readonly MemoryStream _got = new();
        public override void ConnectionMade() => Transport.Write("ping"u8);
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            _got.Write(data);
            if (_got.Length >= 4) Transport.LoseConnection();
        }
        public override void ConnectionLost(Failure reason) => done(_got.ToArray());
    }

    private sealed class RecordingClientFactory(Func<IProtocol> make) : ClientFactory(make)
    {
        public List<string> Events { get; } = new();
        public Failure? FailedReason { get; private set; }
        public override void StartedConnecting(IConnector connector) => Events.Add("started");
        public override void ClientConnectionFailed(IConnector connector, Failure reason)
        {
            FailedReason = reason;
            Events.Add("failed");
        }
        public override void ClientConnectionLost(IConnector connector, Failure reason) => Events.Add($"lost:{reason.Type.Name}");
        protected override void StartFactory() => Events.Add("startFactory");
        protected override void StopFactory() => Events.Add("stopFactory");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ClientAndServerOnTheSameLoop(string name)
    {
        var reactor = ReactorNames.Create(name);
        byte[]? got = null;
        RecordingClientFactory? factory = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
            factory = new RecordingClientFactory(() => new Collect(bytes =>
            {
                got = bytes;
                reactor.CallLater(0, reactor.Stop);
            }));
            reactor.ConnectTcp("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, factory);
        });
        Assert.Equal("ping"u8.ToArray(), got);
        Assert.Equal(["startFactory", "started", "lost:ConnectionDone", "stopFactory"], factory!.Events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectingToAClosedPortFailsWithConnectionRefused(string name)
    {
        var reactor = ReactorNames.Create(name);
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        RecordingClientFactory? factory = null;
        ReactorRunner.Run(reactor, () =>
        {
            factory = new RecordingClientFactory(() => new Echo());
            reactor.ConnectTcp("127.0.0.1", closedPort, factory);
            reactor.CallLater(0, () => Poll());
            void Poll()
            {
                if (factory.FailedReason is not null) reactor.Stop();
                else reactor.CallLater(0.005, Poll);
            }
        });
        Assert.IsType<ConnectionRefusedError>(factory!.FailedReason!.Value);
        Assert.Equal(["startFactory", "started", "failed", "stopFactory"], factory.Events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ListeningOnABusyPortIsACannotListenError(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var e = Assert.Throws<CannotListenError>(() => reactor.ListenTcp(port, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1"));
        Assert.Contains(port.ToString(), e.Message);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ListeningTwiceOnOnePortIsACannotListenError(string name)
    {
        // Both listeners set SO_REUSEADDR; neither may set SO_REUSEPORT, or the second would join the first.
        var reactor = ReactorNames.Create(name);
        var first = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
        var port = ((IPEndPoint)first.GetHost()).Port;
        Assert.Throws<CannotListenError>(() => reactor.ListenTcp(port, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1"));
        first.StopListening();
        ((ReactorBase)reactor).Dispose();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FactoryReturningNullRefusesTheConnection(string name)
    {
        var reactor = ReactorNames.Create(name);
        int read = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, new Factory(() => null!), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                client.ReceiveTimeout = 60_000;
                var n = client.GetStream().Read(new byte[16]);
                reactor.CallFromThread(() => { read = n; reactor.Stop(); });
            });
        });
        Assert.Equal(0, read);
    }

    private sealed class BigWriter(byte[] payload) : Protocol
    {
        public override void ConnectionMade()
        {
            Transport.Write(payload);
            Transport.LoseConnection();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LargeWriteToASlowReaderArrivesByteForByteThenCloses(string name)
    {
        var reactor = ReactorNames.Create(name);
        var payload = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(payload);
        byte[]? received = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new BigWriter(payload)), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient { ReceiveBufferSize = 4096 };
                client.Connect(endpoint);
                var stream = client.GetStream();
                var ms = new MemoryStream();
                var chunk = new byte[1000];
                int n;
                // Small reads keep the kernel buffers full, so most of the payload waits in the
                // server's own write buffer and goes out over many writable events.
                while ((n = stream.Read(chunk)) > 0) ms.Write(chunk, 0, n);
                reactor.CallFromThread(() => { received = ms.ToArray(); reactor.Stop(); });
            });
        }, timeout: 60);
        Assert.Equal(payload.Length, received!.Length);
        Assert.True(payload.AsSpan().SequenceEqual(received));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StopListeningRefusesNewConnections(string name)
    {
        var reactor = ReactorNames.Create(name);
        SocketError? error = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            port.StopListening().AddCallback(_ =>
            {
                reactor.CallInThread(() =>
                {
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    var e = Record.Exception(() => client.Connect(endpoint)) as SocketException;
                    reactor.CallFromThread(() => { error = e?.SocketErrorCode; reactor.Stop(); });
                });
            });
        });
        Assert.Equal(SocketError.ConnectionRefused, error);
    }
}
