using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// Parts of the TCP API the other tests pass by, on every backend: WriteSequence, a factory shared by
/// several ports (started on the first, stopped after the last), and ConnectTcp's bindAddress.
/// </summary>
public sealed class TcpTransportGapTests
{
    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    /// <summary>Writes its chunks with one WriteSequence as soon as it is connected, then closes.</summary>
    private sealed class SequenceWriter(ReadOnlyMemory<byte>[] chunks) : Protocol
    {
        public override void ConnectionMade()
        {
            Transport.WriteSequence(chunks);
            Transport.LoseConnection();
        }
    }

    /// <summary>Collects everything until the peer closes.</summary>
    private sealed class Collect(Action<byte[], EndPoint, EndPoint> done) : Protocol
    {
        private readonly MemoryStream _got = new();
        private EndPoint? _host, _peer;
        public override void ConnectionMade() => (_host, _peer) = (Transport.GetHost(), Transport.GetPeer());
        public override void DataReceived(ReadOnlySpan<byte> data) => _got.Write(data);
        public override void ConnectionLost(Failure reason) => done(_got.ToArray(), _host!, _peer!);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WriteSequenceSendsEveryChunkInOrder(string name)
    {
        var reactor = ReactorNames.Create(name);
        // Small chunks around one far larger than a socket buffer, so part of the sequence is buffered.
        var big = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(big);
        ReadOnlyMemory<byte>[] chunks = ["head:"u8.ToArray(), big, ReadOnlyMemory<byte>.Empty, ":tail"u8.ToArray()];
        var expected = chunks.SelectMany(c => c.ToArray()).ToArray();
        byte[]? got = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new SequenceWriter(chunks)), interfaceAddress: "127.0.0.1");
            reactor.ConnectTcp("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, new ClientFactory(() => new Collect((bytes, _, _) =>
            {
                got = bytes;
                port.StopListening();
                reactor.Stop();
            })));
        }, timeout: 60);
        Assert.Equal(expected.Length, got!.Length);
        Assert.True(expected.AsSpan().SequenceEqual(got), "The bytes differ from the chunks in order.");
    }

    private sealed class CountingFactory() : Factory(() => new Echo())
    {
        public List<string> Events { get; } = new();
        protected override void StartFactory() => Events.Add("start");
        protected override void StopFactory() => Events.Add("stop");
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFactoryOnSeveralPortsStartsOnceAndStopsAfterTheLast(string name)
    {
        var reactor = ReactorNames.Create(name);
        var dir = Directory.CreateTempSubdirectory("torsion-factory-").FullName;
        var factory = new CountingFactory();
        var seen = new List<string>();
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var a = reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1");
                var b = reactor.ListenTcp(0, factory, interfaceAddress: "127.0.0.1");
                var c = reactor.ListenUnix(Path.Combine(dir, "s.sock"), factory);
                seen.Add($"ports={factory.NumPorts} {string.Join(",", factory.Events)}");
                a.StopListening().AddCallback(_ =>
                    b.StopListening().AddCallback(_ =>
                    {
                        seen.Add($"ports={factory.NumPorts} {string.Join(",", factory.Events)}");
                        c.StopListening().AddCallback(_ =>
                        {
                            seen.Add($"ports={factory.NumPorts} {string.Join(",", factory.Events)}");
                            reactor.Stop();
                        });
                    }));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Equal(["ports=3 start", "ports=1 start", "ports=0 start,stop"], seen);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void BindAddressIsTheClientsLocalAddress(string name)
    {
        var reactor = ReactorNames.Create(name);
        int localPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            localPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        EndPoint? serverSawPeer = null, clientHost = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Collect((_, _, peer) =>
            {
                serverSawPeer = peer;
                reactor.Stop();
            })), interfaceAddress: "127.0.0.1");
            reactor.ConnectTcp("127.0.0.1", ((IPEndPoint)port.GetHost()).Port, new ClientFactory(() => new ReportAndClose(host => clientHost = host)),
                bindAddress: new IPEndPoint(IPAddress.Loopback, localPort));
        });
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, localPort), clientHost);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, localPort), serverSawPeer);
    }

    private sealed class ReportAndClose(Action<EndPoint> host) : Protocol
    {
        public override void ConnectionMade()
        {
            host(Transport.GetHost());
            Transport.LoseConnection();
        }
    }

    private sealed class FailureRecorder(Action<Failure> failed) : ClientFactory(() => new Echo())
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ABindAddressInUseFailsTheAttemptWithConnectError(string name)
    {
        var reactor = ReactorNames.Create(name);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = (IPEndPoint)holder.LocalEndpoint;
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
        {
            // Where it connects does not matter: binding comes first and fails.
            reactor.ConnectTcp("127.0.0.1", taken.Port, new FailureRecorder(f =>
            {
                failure = f;
                reactor.Stop();
            }), bindAddress: taken);
        });
        Assert.IsType<ConnectError>(failure!.Value);
        Assert.Contains(taken.ToString(), failure.Value.Message);
    }
}
