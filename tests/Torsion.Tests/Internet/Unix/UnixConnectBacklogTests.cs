using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Unix;

/// <summary>
/// ConnectUnix to a listener whose backlog is full, on every backend. The kernel answers such a
/// non-blocking connect with EAGAIN at once (there is no connect in progress to wait for), so the
/// attempt waits as a blocking connect (or Twisted) would: it connects once the server makes room,
/// or fails with <see cref="TimeoutError"/> when its timeout passes, closing its socket. It
/// never reports a connection that was not made.
/// </summary>
[Collection(DescriptorCountCollection.Name)]
public sealed class UnixConnectBacklogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-unix-backlog-").FullName;
    private readonly Socket _listener;
    private readonly Socket _filler;

    public UnixConnectBacklogTests()
    {
        Path = System.IO.Path.Combine(_dir, "full.sock");
        // Backlog 0 holds one connection; a Unix connect needs no handshake, so once this connect
        // returns the queue is full.
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(0);
        _filler = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _filler.Connect(new UnixDomainSocketEndPoint(Path));
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
        var refused = Assert.Throws<SocketException>(() => probe.Connect(new UnixDomainSocketEndPoint(Path)));
        Assert.Equal(SocketError.WouldBlock, refused.SocketErrorCode);
    }

    private string Path { get; }

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class Recorder : ClientFactory
    {
        public List<string> Events { get; } = new();
        public Action? Done { get; set; }

        public Recorder() : base(() => new Noting()) { }

        protected override void StartFactory() => Events.Add("startFactory");
        protected override void StopFactory() => Events.Add("stopFactory");
        public override void StartedConnecting(IConnector connector) => Events.Add("started");

        public override IProtocol? BuildProtocol(System.Net.EndPoint address)
        {
            var p = (Noting)base.BuildProtocol(address)!;
            p.Events = Events;
            p.Done = Done;
            return p;
        }

        public override void ClientConnectionFailed(IConnector connector, Failure reason)
        {
            Events.Add("failed:" + reason.Value.GetType().Name);
            Done?.Invoke();
        }
    }

    private sealed class Noting : Protocol
    {
        public List<string>? Events { get; set; }
        public Action? Done { get; set; }

        public override void ConnectionMade()
        {
            Events!.Add("made");
            Transport.Write("hello"u8);
            Done?.Invoke();
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WaitsForTheTimeoutAndClosesItsSocket(string name)
    {
        var before = DescriptorCountCollection.OpenDescriptors();
        var reactor = ReactorNames.Create(name);
        var factory = new Recorder();
        int running = 0, during = 0;
        ReactorRunner.Run(reactor, () =>
        {
            factory.Done = reactor.Stop;
            running = DescriptorCountCollection.OpenDescriptors();
            reactor.ConnectUnix(Path, factory, timeout: 1);
            during = DescriptorCountCollection.OpenDescriptors();
        });
        Assert.Equal(["startFactory", "started", "failed:TimeoutError", "stopFactory"], factory.Events);
        Assert.Equal(running + 1, during);
        DescriptorCountCollection.AssertReturnsTo(before);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectsOnceTheServerMakesRoom(string name)
    {
        var reactor = ReactorNames.Create(name);
        var factory = new Recorder();
        ReactorRunner.Run(reactor, () =>
        {
            factory.Done = reactor.Stop;
            // The first connect has been refused for want of room by the time ConnectUnix returns
            // (a Unix connect is one system call); accepting the filler makes room for a retry.
            reactor.ConnectUnix(Path, factory, timeout: 10);
            _listener.Accept().Dispose();
        });
        Assert.Equal(["startFactory", "started", "made", "stopFactory"], factory.Events);
        // The connection is real: the server end reads what the client wrote.
        Assert.True(_listener.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead));
        using var accepted = _listener.Accept();
        accepted.ReceiveTimeout = 60_000;
        var buffer = new byte[5];
        var n = 0;
        while (n < buffer.Length)
        {
            var r = accepted.Receive(buffer, n, buffer.Length - n, SocketFlags.None);
            if (r == 0) break;
            n += r;
        }
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
    }
}
