using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Endpoints;

/// <summary>Endpoints on real reactors: Listen and Connect Deferreds, cancellation, and adopted descriptors.</summary>
public sealed class EndpointConnectionTests
{
    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private sealed class Greeter : Protocol
    {
        public bool MadeBeforeFired { get; private set; }
        public string Received { get; private set; } = "";
        public Action? OnData { get; set; }
        public override void ConnectionMade()
        {
            MadeBeforeFired = true;
            Transport.Write("hi"u8);
        }
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Received += System.Text.Encoding.ASCII.GetString(data);
            OnData?.Invoke();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ListenAndConnectFromStrings(string name)
    {
        var reactor = ReactorNames.Create(name);
        Greeter? client = null;
        var madeBeforeFired = false;
        ReactorRunner.Run(reactor, () =>
        {
            var server = Torsion.Internet.Endpoints.ServerFromString(reactor, "tcp:0:interface=127.0.0.1");
            server.Listen(Factory.ForProtocol<Echo>()).AddCallback(port =>
            {
                var p = ((IPEndPoint)port.GetHost()).Port;
                var endpoint = Torsion.Internet.Endpoints.ClientFromString(reactor, $"tcp:host=127.0.0.1:port={p}:timeout=10");
                endpoint.Connect(Factory.ForProtocol<Greeter>()).AddCallback(protocol =>
                {
                    client = (Greeter)protocol;
                    madeBeforeFired = client.MadeBeforeFired;
                    client.OnData = () => { if (client.Received == "hi") reactor.Stop(); };
                });
            });
        });
        Assert.True(madeBeforeFired);
        Assert.Equal("hi", client!.Received);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void Tcp6ListensOnIPv6(string name)
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Skip("this machine has no IPv6, so there is no ::1 to listen on");
        }
        var reactor = ReactorNames.Create(name);
        IPEndPoint? host = null;
        Greeter? client = null;
        ReactorRunner.Run(reactor, () =>
        {
            // Twisted's syntax: the colons of an IPv6 address are escaped with a backslash.
            var server = Torsion.Internet.Endpoints.ServerFromString(reactor, @"tcp6:0:interface=\:\:1");
            server.Listen(Factory.ForProtocol<Echo>()).AddCallback(port =>
            {
                host = (IPEndPoint)port.GetHost();
                var endpoint = Torsion.Internet.Endpoints.ClientFromString(reactor, $@"tcp:host=\:\:1:port={host.Port}:timeout=10");
                endpoint.Connect(Factory.ForProtocol<Greeter>()).AddCallback(protocol =>
                {
                    client = (Greeter)protocol;
                    client.OnData = () => { if (client.Received == "hi") reactor.Stop(); };
                });
            });
        });
        Assert.Equal(AddressFamily.InterNetworkV6, host!.AddressFamily);
        Assert.Equal(IPAddress.IPv6Loopback, host.Address);
        Assert.Equal("hi", client!.Received);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ListenOnABusyPortFailsTheDeferred(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        Failure? failure = null;
        Torsion.Internet.Endpoints.ServerFromString(reactor, $"tcp:{port}:interface=127.0.0.1").Listen(Factory.ForProtocol<Echo>())
            .AddErrback(f => { failure = f; return (IListeningPort)null!; });
        ((IDisposable)reactor).Dispose();
        Assert.IsType<CannotListenError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectionRefusedFailsTheDeferred(string name)
    {
        var reactor = ReactorNames.Create(name);
        int closed;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
            new TcpClientEndpoint(reactor, "127.0.0.1", closed).Connect(Factory.ForProtocol<Greeter>())
                .AddErrback(f => { failure = f; reactor.Stop(); return (IProtocol)null!; }));
        Assert.IsType<ConnectionRefusedError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingAConnectAttemptFailsWithConnectingCancelled(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            // 192.0.2.0/24 is TEST-NET-1: never routed, but the attempt is cancelled before any packet matters.
            var d = new TcpClientEndpoint(reactor, "127.0.0.1", 9).Connect(Factory.ForProtocol<Greeter>());
            d.AddErrback(f => { failure = f; reactor.Stop(); return (IProtocol)null!; });
            d.Cancel();
        });
        Assert.IsType<ConnectingCancelledError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AdoptStreamPortServesAnInheritedListeningSocket(string name)
    {
        var reactor = ReactorNames.Create(name);
        var adopting = ReactorNames.Require<IReactorSocket>(reactor);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = adopting.AdoptStreamPort((int)listener.Handle, AddressFamily.InterNetwork, Factory.ForProtocol<Echo>());
            Assert.Equal(endpoint, port.GetHost());
            // The caller still owns its descriptor; the reactor works on a duplicate. (Not closed here:
            // .NET's Socket.Close also shuts the socket down, which a duplicate shares — a raw close(2),
            // as systemd's inherited descriptors get, is what AdoptedStreamServerEndpoint does.)
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient();
                client.Connect(endpoint);
                var stream = client.GetStream();
                stream.Write("adopted"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                using var reader = new StreamReader(stream);
                var text = reader.ReadToEnd();
                reactor.CallFromThread(() => { reply = text; reactor.Stop(); });
            });
        });
        Assert.Equal("adopted", reply);
    }

    private static unsafe int AcceptRaw(int listeningFd)
    {
        var fd = Torsion.Internet.LibC.Accept4(listeningFd, null, null, 0);
        Assert.True(fd >= 0, "accept4 failed");
        return fd;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AdoptStreamConnectionRunsAProtocolOnAConnectedSocket(string name)
    {
        var reactor = ReactorNames.Create(name);
        var adopting = ReactorNames.Require<IReactorSocket>(reactor);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        // Accepted with a raw call, so no .NET Socket owns it: on Unix, reading Socket.Handle or SafeHandle
        // puts a socket back into blocking mode, and O_NONBLOCK belongs to the open file the reactor's
        // duplicate shares.
        var fd = AcceptRaw((int)listener.Server.Handle);
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            adopting.AdoptStreamConnection(fd, AddressFamily.InterNetwork, Factory.ForProtocol<Echo>());
            Assert.Throws<ArgumentException>(() => adopting.AdoptStreamConnection(fd, AddressFamily.Unix, Factory.ForProtocol<Echo>()));
            // Give up our copy, as a process handing a socket over does, so the connection ends when the
            // reactor closes its duplicate.
            Torsion.Internet.LibC.Close(fd);
            reactor.CallInThread(() =>
            {
                var stream = client.GetStream();
                stream.Write("handed over"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                using var reader = new StreamReader(stream);
                var text = reader.ReadToEnd();
                reactor.CallFromThread(() => { reply = text; reactor.Stop(); });
            });
        });
        Assert.Equal("handed over", reply);
    }
}
