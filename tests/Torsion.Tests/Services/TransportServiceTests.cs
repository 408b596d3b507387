using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Services;
using Torsion.Tests.Internet;
using Torsion.Tests.Internet.Tls;

namespace Torsion.Tests.Services;

/// <summary>
/// The transport services of twisted.application.internet on real reactors: UnixServer, SslServer
/// and UdpServer listen for real once started and close their socket when stopped (the StopService
/// Deferred fires after); TcpClient and UnixClient connect when started and disconnect when stopped.
/// </summary>
public sealed class TransportServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-services-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void UnixServerListensAnswersAndRemovesItsSocketWhenStopped(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = Path.Combine(_dir, "server.sock");
        var service = new UnixServer(reactor, path, Factory.ForProtocol<Greeter>());
        var result = ServeOneClientThenStop(reactor, service, factory => reactor.ConnectUnix(path, factory));
        Assert.Equal("hello", result.Received);
        Assert.True(result.Stopped);
        Assert.False(File.Exists(path));
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Assert.Throws<SocketException>(() => probe.Connect(new UnixDomainSocketEndPoint(path)));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void SslServerListensAnswersOverTlsAndClosesWhenStopped(string name)
    {
        var reactor = ReactorNames.Create(name);
        var ssl = ReactorNames.Require<IReactorSsl>(reactor);
        var service = new SslServer(reactor, 0, Factory.ForProtocol<Greeter>(), TestCertificates.Instance.ServerOptions(), interfaceAddress: "127.0.0.1");
        var port = 0;
        var result = ServeOneClientThenStop(reactor, service, factory =>
        {
            port = ((IPEndPoint)service.Port!.GetHost()).Port;
            return ssl.ConnectSsl("127.0.0.1", port, factory, TestCertificates.Instance.ClientOptions());
        });
        Assert.Equal("hello", result.Received);
        Assert.True(result.Stopped);
        AssertRefused(port);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void UdpServerAnswersAndFreesItsPortWhenStopped(string name)
    {
        var reactor = ReactorNames.Create(name);
        var echo = new DatagramEcho();
        var service = new UdpServer(reactor, 0, echo, "127.0.0.1");
        var port = 0;
        string? answer = null;
        var stopped = false;
        ReactorRunner.Run(reactor, () =>
        {
            var app = new Application("test");
            service.SetServiceParent(app);
            app.PrivilegedStartService();
            app.StartService();
            Assert.True(echo.Started);
            port = ((IPEndPoint)service.Transport!.GetHost()).Port;
            var client = new DatagramClient(data =>
            {
                answer = data;
                app.StopService().AddCallback(_ =>
                {
                    stopped = service.Transport is null && !echo.Started;
                    reactor.Stop();
                });
            });
            reactor.ListenUdp(0, client, "127.0.0.1");
            client.Ping(new IPEndPoint(IPAddress.Loopback, port), reactor);
        });
        Assert.Equal("ping", answer);
        Assert.True(stopped);
        // Binding the same port again works only if the service really closed its socket.
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        again.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TcpClientConnectsWhenStartedAndDisconnectsWhenStopped(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = ConnectThenStop(reactor,
            factory => reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1"),
            (port, factory) => new Torsion.Services.TcpClient(reactor, "127.0.0.1", ((IPEndPoint)port.GetHost()).Port, factory));
        Assert.Equal(Expected, events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void UnixClientConnectsWhenStartedAndDisconnectsWhenStopped(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = Path.Combine(_dir, "client.sock");
        var events = ConnectThenStop(reactor,
            factory => reactor.ListenUnix(path, factory),
            (_, factory) => new UnixClient(reactor, path, factory));
        Assert.Equal(Expected, events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TcpClientStoppedBeforeItConnectsGivesUp(string name)
    {
        var reactor = ReactorNames.Create(name);
        var events = new List<string>();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Watcher("server", events, () => { }, () => { })), interfaceAddress: "127.0.0.1");
            var factory = new RecordingClientFactory(() => new Watcher("client", events, () => { }, () => { }), failed: reason =>
            {
                events.Add("factory:failed:" + reason.Type.Name);
                reactor.CallLater(0, reactor.Stop);
            });
            var service = new Torsion.Services.TcpClient(reactor, "127.0.0.1", ((IPEndPoint)port.GetHost()).Port, factory);
            service.StartService();
            // Still connecting: the loop has not run since the connect was started.
            service.StopService().AddCallback(_ => events.Add("stopFired"));
            Assert.Null(service.Connector);
        });
        // As Twisted's connector.disconnect() while connecting: stopConnecting, a UserError.
        Assert.Equal(["factory:failed:UserError", "stopFired"], events.Where(e => !e.StartsWith("server:", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// What a client service's start and stop must cause: both ends connected after the start, the
    /// StopService Deferred fired at once, then both ends and the factory told of a clean loss.
    /// Which end hears of the connection (or its loss) first differs by backend, so those are sorted.
    /// </summary>
    private static readonly string[] Expected =
        ["start", "client:made", "server:made", "stop", "stopFired", "client:lost:ConnectionDone", "factory:lost:ConnectionDone", "server:lost:ConnectionDone"];

    private static List<string> SortedWithinSteps(List<string> events)
    {
        if (events.Count != Expected.Length) return events;
        return [events[0], .. events[1..3].Order(StringComparer.Ordinal), .. events[3..5], .. events[5..].Order(StringComparer.Ordinal)];
    }

    private sealed record Served(string Received, bool Stopped);

    /// <summary>
    /// Starts <paramref name="service"/> under an Application, connects one client with
    /// <paramref name="connect"/>, and once it read "hello" stops the application; Stopped says the
    /// StopService Deferred fired with the port gone.
    /// </summary>
    private static Served ServeOneClientThenStop(IReactor reactor, StreamServerEndpointService service, Func<ClientFactory, IConnector> connect)
    {
        var received = "";
        var stopped = false;
        Failure? failed = null;
        ReactorRunner.Run(reactor, () =>
        {
            var app = new Application("test");
            service.SetServiceParent(app);
            app.PrivilegedStartService();
            app.StartService();
            Assert.True(service.Running);
            service.WhenListening().AddCallback(_ =>
            {
                connect(new RecordingClientFactory(() => new Reader(data =>
                {
                    received += data;
                    if (received != "hello") return;
                    app.StopService().AddCallback(_ =>
                    {
                        stopped = service.Port is null && !service.Running;
                        reactor.Stop();
                    });
                }), failed: f =>
                {
                    failed = f;
                    reactor.Stop();
                }));
            });
        });
        Assert.Null(failed);
        return new Served(received, stopped);
    }

    /// <summary>
    /// Listens with <paramref name="listen"/>, starts the client service <paramref name="make"/>
    /// builds, stops it once both ends are connected, and runs until both ends saw the loss.
    /// </summary>
    private static List<string> ConnectThenStop(IReactor reactor, Func<Factory, IListeningPort> listen, Func<IListeningPort, ClientFactory, Service> make)
    {
        var events = new List<string>();
        Service? service = null;
        var ends = 0;
        void Ended()
        {
            if (++ends == 3) reactor.Stop();
        }
        void MaybeStop()
        {
            if (!events.Contains("client:made") || !events.Contains("server:made")) return;
            events.Add("stop");
            service!.StopService().AddCallback(_ => events.Add("stopFired"));
            Assert.False(service.Running);
        }
        ReactorRunner.Run(reactor, () =>
        {
            var port = listen(Factory.ForProtocol(() => new Watcher("server", events, MaybeStop, Ended)));
            var factory = new RecordingClientFactory(() => new Watcher("client", events, MaybeStop, Ended), lost: reason =>
            {
                events.Add("factory:lost:" + reason.Type.Name);
                Ended();
            }, failed: reason =>
            {
                events.Add("factory:failed:" + reason.Type.Name);
                reactor.Stop();
            });
            service = make(port, factory);
            events.Add("start");
            service.StartService();
            Assert.True(service.Running);
        });
        return SortedWithinSteps(events);
    }

    private static void AssertRefused(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = Assert.Throws<SocketException>(() => probe.Connect(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    private sealed class Greeter : Protocol
    {
        public override void ConnectionMade() => Transport.Write("hello"u8);
    }

    private sealed class Reader(Action<string> received) : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => received(System.Text.Encoding.ASCII.GetString(data));
    }

    private sealed class Watcher(string side, List<string> events, Action made, Action lost) : Protocol
    {
        public override void ConnectionMade()
        {
            events.Add(side + ":made");
            made();
        }

        public override void ConnectionLost(Failure reason)
        {
            events.Add($"{side}:lost:{reason.Type.Name}");
            lost();
        }
    }

    private sealed class RecordingClientFactory(Func<IProtocol> make, Action<Failure>? lost = null, Action<Failure>? failed = null) : ClientFactory(make)
    {
        public override void ClientConnectionLost(IConnector connector, Failure reason) => lost?.Invoke(reason);

        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed?.Invoke(reason);
    }

    private sealed class DatagramEcho : DatagramProtocol
    {
        public bool Started { get; private set; }

        public override void StartProtocol() => Started = true;

        public override void StopProtocol() => Started = false;

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from) => Transport.Write(data, from);
    }

    /// <summary>Sends "ping" every 0.2 s until the first answer (UDP may drop, even on loopback).</summary>
    private sealed class DatagramClient(Action<string> answered) : DatagramProtocol
    {
        private IDelayedCall? _again;

        public void Ping(EndPoint to, IReactor reactor)
        {
            Transport.Write("ping"u8, to);
            _again = reactor.CallLater(0.2, () => Ping(to, reactor));
        }

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from)
        {
            if (_again is null) return;
            _again.Cancel();
            _again = null;
            answered(System.Text.Encoding.ASCII.GetString(data));
        }
    }
}
