using System.Net;
using Torsion.Services;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Tests.Internet;

namespace Torsion.Tests.Services;

/// <summary>Server services on real reactors: listening, answering, stopping, and reporting a listen failure.</summary>
public sealed class ServerServiceTests
{
    private sealed class Greeter : Protocol
    {
        public override void ConnectionMade() => Transport.Write("hello"u8);
    }

    private sealed class Reader : Protocol
    {
        public string Received { get; private set; } = "";
        public Action? OnData { get; set; }
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Received += System.Text.Encoding.ASCII.GetString(data);
            OnData?.Invoke();
        }
    }

    private static void ListenAnswerAndStop(IReactor reactor, StreamServerEndpointService service)
    {
        Reader? client = null;
        var stopped = false;
        ReactorRunner.Run(reactor, () =>
        {
            var app = new Application("test");
            service.SetServiceParent(app);
            app.PrivilegedStartService();
            Assert.NotNull(service.Port);
            app.StartService();
            service.WhenListening().AddCallback(port =>
            {
                var p = ((IPEndPoint)port.GetHost()).Port;
                new TcpClientEndpoint(reactor, "127.0.0.1", p).Connect(Factory.ForProtocol<Reader>()).AddCallback(protocol =>
                {
                    client = (Reader)protocol;
                    client.OnData = () =>
                    {
                        if (client.Received == "hello")
                        {
                            app.StopService().AddCallback(_ =>
                            {
                                stopped = service.Port is null;
                                reactor.Stop();
                            });
                        }
                    };
                });
            });
        });
        Assert.Equal("hello", client!.Received);
        Assert.True(stopped);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TcpServerListensOnPortZeroAndAnswers(string name)
    {
        var reactor = ReactorNames.Create(name);
        ListenAnswerAndStop(reactor, new TcpServer(reactor, 0, Factory.ForProtocol<Greeter>(), interfaceAddress: "127.0.0.1"));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StrportsServiceListensAndAnswers(string name)
    {
        var reactor = ReactorNames.Create(name);
        ListenAnswerAndStop(reactor, Strports.Service(reactor, "tcp:0:interface=127.0.0.1", Factory.ForProtocol<Greeter>()));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AListenFailureIsThrownFromPrivilegedStart(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var service = new StreamServerEndpointService(new TcpServerEndpoint(reactor, port, interfaceAddress: "127.0.0.1"), Factory.ForProtocol<Greeter>());
        Assert.Throws<CannotListenError>(service.PrivilegedStartService);
        Failure? failure = null;
        service.WhenListening().AddErrback(f => { failure = f; return (IListeningPort)null!; });
        ((IDisposable)reactor).Dispose();
        Assert.IsType<CannotListenError>(failure!.Value);
    }
}
