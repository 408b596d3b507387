using System.Net.Sockets;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Unix;

/// <summary>Unix stream sockets on every backend: echo, the socket file's life, locks and modes.</summary>
public sealed class UnixSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-unix-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathFor(string name) => Path.Combine(_dir, name);

    private sealed class Echo : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
    }

    private static string BlockingEcho(string path, string text)
    {
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        client.ReceiveTimeout = 60_000;
        client.Send(Encoding.UTF8.GetBytes(text));
        client.Shutdown(SocketShutdown.Send);
        var got = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = client.Receive(buffer)) > 0) got.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(got.ToArray());
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void EchoOverAUnixSocketAndTheFileIsRemovedAfterwards(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = PathFor("echo.sock");
        string? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUnix(path, Factory.ForProtocol<Echo>());
            Assert.Equal(path, port.GetHost().ToString());
            reactor.CallInThread(() =>
            {
                string text;
                try { text = BlockingEcho(path, "over unix"); } catch (Exception e) { text = e.ToString(); }
                reactor.CallFromThread(() =>
                {
                    reply = text;
                    port.StopListening();
                    reactor.Stop();
                });
            });
        });
        Assert.Equal("over unix", reply);
        Assert.False(File.Exists(path));
    }

    private sealed class Collect(Action<string, ITransport> done) : Protocol
    {
        private readonly StringBuilder _got = new();
        public override void ConnectionMade() => Transport.Write("ping"u8);
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            _got.Append(Encoding.UTF8.GetString(data));
            if (_got.Length >= 4) done(_got.ToString(), Transport);
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectUnixClientTalksToListenUnixServer(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = PathFor("pair.sock");
        string? got = null;
        Exception? noDelay = null;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.ListenUnix(path, Factory.ForProtocol<Echo>());
            reactor.ConnectUnix(path, new ClientFactory(() => new Collect((text, transport) =>
            {
                got = text;
                noDelay = Record.Exception(() => ((ITcpTransport)transport).TcpNoDelay = true);
                Assert.False(((ITcpTransport)transport).TcpNoDelay);
                transport.LoseConnection();
                reactor.Stop();
            })));
        });
        Assert.Equal("ping", got);
        Assert.IsType<NotSupportedException>(noDelay);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AStaleSocketFileIsReplacedAndALiveOneRefused(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = PathFor("stale.sock");
        // A socket file nobody listens on: bound, then closed without unlinking — what a crash leaves.
        // (Raw calls: a .NET Socket unlinks its own socket file when disposed.)
        var dead = Torsion.Internet.PosixSocket.Create(Torsion.Internet.Sock.AF_UNIX, Torsion.Internet.Sock.SOCK_STREAM);
        Assert.Equal(0, Torsion.Internet.PosixSocket.Bind(dead, new UnixDomainSocketEndPoint(path)));
        Torsion.Internet.PosixSocket.Close(dead);
        Assert.True(File.Exists(path));
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var livePath = PathFor("live.sock");
        live.Bind(new UnixDomainSocketEndPoint(livePath));
        live.Listen();
        string? reply = null;
        CannotListenError? refused = null;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.ListenUnix(path, Factory.ForProtocol<Echo>());
            refused = Assert.Throws<CannotListenError>(() => reactor.ListenUnix(livePath, Factory.ForProtocol<Echo>()));
            reactor.CallInThread(() =>
            {
                string text;
                try { text = BlockingEcho(path, "fresh"); } catch (Exception e) { text = e.ToString(); }
                reactor.CallFromThread(() => { reply = text; reactor.Stop(); });
            });
        });
        Assert.Equal("fresh", reply);
        Assert.Contains("another process is listening", refused!.Message);
        Assert.True(File.Exists(livePath));
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ARegularFileInTheWayIsNotDeleted(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = PathFor("regular");
        File.WriteAllText(path, "precious");
        var e = Assert.Throws<CannotListenError>(() => reactor.ListenUnix(path, Factory.ForProtocol<Echo>()));
        Assert.Contains("not a socket", e.Message);
        Assert.Equal("precious", File.ReadAllText(path));
        ((IDisposable)reactor).Dispose();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ModeIsAppliedToTheSocketFile(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = PathFor("mode.sock");
        var port = reactor.ListenUnix(path, Factory.ForProtocol<Echo>(), mode: Convert.ToInt32("660", 8));
        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
        port.StopListening();
        ((IDisposable)reactor).Dispose();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WantPidWritesALockThatCheckPidClientsRequire(string name)
    {
        var reactor = ReactorNames.Create(name);
        var locked = PathFor("locked.sock");
        var unlocked = PathFor("unlocked.sock");
        Failure? unlockedFailure = null;
        var lockedConnected = false;
        string? lockContents = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenUnix(locked, Factory.ForProtocol<Echo>(), wantPid: true);
            lockContents = File.ReadAllText(locked + ".lock");
            Assert.Throws<CannotListenError>(() => reactor.ListenUnix(locked, Factory.ForProtocol<Echo>(), wantPid: true));
            reactor.ListenUnix(unlocked, Factory.ForProtocol<Echo>());
            var pending = 2;
            void Done() { if (--pending == 0) { port.StopListening(); reactor.Stop(); } }
            reactor.ConnectUnix(unlocked, new FailureRecorder(f => { unlockedFailure = f; Done(); }), checkPid: true);
            reactor.ConnectUnix(locked, new ClientFactory(() => new Collect((_, t) => { lockedConnected = true; t.LoseConnection(); Done(); })), checkPid: true);
        });
        Assert.Equal(Environment.ProcessId.ToString(), lockContents);
        Assert.True(lockedConnected);
        Assert.IsType<ConnectError>(unlockedFailure!.Value);
        Assert.False(File.Exists(locked + ".lock"));
    }

    private sealed class FailureRecorder(Action<Failure> failed) : ClientFactory(() => new Echo())
    {
        public override void ClientConnectionFailed(IConnector connector, Failure reason) => failed(reason);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ConnectingToAMissingPathFailsWithConnectionRefused(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? failure = null;
        ReactorRunner.Run(reactor, () =>
            reactor.ConnectUnix(PathFor("nobody-here.sock"), new FailureRecorder(f => { failure = f; reactor.Stop(); })));
        Assert.IsType<ConnectionRefusedError>(failure!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AbstractNamespaceSocketsWork(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = "@torsion-test-" + Guid.NewGuid().ToString("N");
        string? got = null;
        ReactorRunner.Run(reactor, () =>
        {
            reactor.ListenUnix(path, Factory.ForProtocol<Echo>());
            reactor.ConnectUnix(path, new ClientFactory(() => new Collect((text, t) => { got = text; t.LoseConnection(); reactor.Stop(); })));
        });
        Assert.Equal("ping", got);
    }
}
