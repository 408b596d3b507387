using Microsoft.Win32.SafeHandles;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// StandardIO in this process over descriptors other than 0 and 1 (Twisted's <c>stdin=</c>/<c>stdout=</c>
/// arguments), made with pipe2, on every backend: what the protocol sees, closing, a reader gone, shutdown.
/// </summary>
public sealed class StandardIOTests
{
    /// <summary>Records what the transport does to it, as text.</summary>
    private sealed class Recorder(Action<Recorder>? onData = null) : Protocol, IHalfCloseableProtocol
    {
        public List<string> Events { get; } = new();
        public MemoryStream Received { get; } = new();
        public Failure? Reason { get; private set; }
        public Action? Lost { get; set; }

        public override void ConnectionMade() => Events.Add($"made {Transport.GetPeer()} {Transport.GetHost()}");

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Received.Write(data);
            onData?.Invoke(this);
        }

        public Action? ReadEnded { get; set; }

        public void ReadConnectionLost()
        {
            Events.Add("read-eof");
            ReadEnded?.Invoke();
        }

        public void WriteConnectionLost() => Events.Add("write-closed");

        public override void ConnectionLost(Failure reason)
        {
            Events.Add($"lost {reason.Type.Name}");
            Reason = reason;
            Lost?.Invoke();
        }
    }

    private static FileStream Stream(int fd, FileAccess access) => new(new SafeFileHandle(fd, ownsHandle: true), access, 1);

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void DataBothWaysThenEndOfInputAndLoseWriteConnection(string name)
    {
        var reactor = ReactorNames.Create(name);
        var (inRead, inWrite) = PipeDescriptors.CreatePipe();
        var (outRead, outWrite) = PipeDescriptors.CreatePipe();
        using var feed = Stream(inWrite, FileAccess.Write);
        using var output = Stream(outRead, FileAccess.Read);
        Recorder? protocol = null;
        byte[]? echoed = null;
        ReactorRunner.Run(reactor, () =>
        {
            protocol = new Recorder(p =>
            {
                if (p.Received.Length == 6)
                {
                    // End of our input arrives next; answer, then close our output: both directions closed.
                    p.Transport.Write("got: "u8);
                    p.Transport.Write(p.Received.ToArray());
                }
            });
            var stdio = new StandardIO(protocol, reactor, stdin: inRead, stdout: outWrite);
            Assert.Same(protocol, stdio.Protocol);
            Assert.False(stdio.InputIsTerminal);
            // Closing our output once the input has ended closes the connection (both directions closed).
            protocol.ReadEnded = stdio.LoseWriteConnection;
            protocol.Lost = () =>
            {
                if (echoed is not null) reactor.Stop();
            };
            reactor.CallInThread(() =>
            {
                feed.Write("hello\n"u8);
                feed.Dispose();
                var ms = new MemoryStream();
                // Returns at end of file: once the transport has closed its output.
                output.CopyTo(ms);
                reactor.CallFromThread(() =>
                {
                    echoed = ms.ToArray();
                    if (protocol.Reason is not null) reactor.Stop();
                });
            });
        });
        Assert.Equal(["made pipe pipe", "read-eof", "write-closed", "lost ConnectionDone"], protocol!.Events);
        Assert.Equal("hello\n"u8.ToArray(), protocol.Received.ToArray());
        Assert.Equal("got: hello\n"u8.ToArray(), echoed);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AReaderGoneFromStdoutLosesTheConnection(string name)
    {
        var reactor = ReactorNames.Create(name);
        var (inRead, inWrite) = PipeDescriptors.CreatePipe();
        var (outRead, outWrite) = PipeDescriptors.CreatePipe();
        using var feed = Stream(inWrite, FileAccess.Write);
        // Nobody will read stdout.
        PipeDescriptors.Close(outRead);
        Recorder? protocol = null;
        ReactorRunner.Run(reactor, () =>
        {
            protocol = new Recorder();
            _ = new StandardIO(protocol, reactor, stdin: inRead, stdout: outWrite);
            protocol.Lost = reactor.Stop;
            protocol.Transport.Write("into the void"u8);
        });
        Assert.Equal(["made pipe pipe", "lost ConnectionLost"], protocol!.Events);
        Assert.IsType<ConnectionLost>(protocol.Reason!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void LoseConnectionFlushesThenCloses(string name)
    {
        var reactor = ReactorNames.Create(name);
        var (inRead, inWrite) = PipeDescriptors.CreatePipe();
        var (outRead, outWrite) = PipeDescriptors.CreatePipe();
        using var feed = Stream(inWrite, FileAccess.Write);
        using var output = Stream(outRead, FileAccess.Read);
        var payload = new byte[1 << 20];
        new Random(7).NextBytes(payload);
        Recorder? protocol = null;
        byte[]? got = null;
        ReactorRunner.Run(reactor, () =>
        {
            protocol = new Recorder();
            _ = new StandardIO(protocol, reactor, stdin: inRead, stdout: outWrite);
            // More than a pipe holds: most of it waits in the transport's buffer when LoseConnection is called.
            protocol.Transport.Write(payload);
            protocol.Transport.LoseConnection();
            Assert.True(protocol.Transport.Disconnecting);
            reactor.CallInThread(() =>
            {
                var ms = new MemoryStream();
                output.CopyTo(ms);
                reactor.CallFromThread(() =>
                {
                    got = ms.ToArray();
                    if (protocol.Reason is not null) reactor.Stop();
                });
            });
            protocol.Lost = () =>
            {
                if (got is not null) reactor.Stop();
            };
        });
        Assert.Equal(["made pipe pipe", "lost ConnectionDone"], protocol!.Events);
        Assert.Equal(payload, got);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ReactorShutdownLosesTheConnection(string name)
    {
        var reactor = ReactorNames.Create(name);
        var (inRead, inWrite) = PipeDescriptors.CreatePipe();
        var (outRead, outWrite) = PipeDescriptors.CreatePipe();
        using var feed = Stream(inWrite, FileAccess.Write);
        using var output = Stream(outRead, FileAccess.Read);
        Recorder? protocol = null;
        ReactorRunner.Run(reactor, () =>
        {
            protocol = new Recorder();
            _ = new StandardIO(protocol, reactor, stdin: inRead, stdout: outWrite);
            reactor.CallLater(0, reactor.Stop);
        });
        Assert.Equal(["made pipe pipe", "lost ConnectionLost"], protocol!.Events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AFileSenderStreamsAFileToStdoutUnderItsFlowControl(string name)
    {
        var reactor = ReactorNames.Create(name);
        var (inRead, inWrite) = PipeDescriptors.CreatePipe();
        var (outRead, outWrite) = PipeDescriptors.CreatePipe();
        using var feed = Stream(inWrite, FileAccess.Write);
        using var output = Stream(outRead, FileAccess.Read);
        var path = Path.GetTempFileName();
        var content = new byte[4 << 20];
        new Random(11).NextBytes(content);
        File.WriteAllBytes(path, content);
        byte[]? got = null;
        Outcome<byte?>? sent = null;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var protocol = new Recorder();
                _ = new StandardIO(protocol, reactor, stdin: inRead, stdout: outWrite);
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
                // A pipe holds 64 KiB: the sender is paused and resumed many times on the way.
                new Torsion.Protocols.FileSender(reactor).BeginFileTransfer(file, protocol.Transport).AddBoth(o =>
                {
                    sent = o;
                    file.Dispose();
                    protocol.Transport.LoseConnection();
                    return 0;
                });
                reactor.CallInThread(() =>
                {
                    var ms = new MemoryStream();
                    output.CopyTo(ms);
                    reactor.CallFromThread(() =>
                    {
                        got = ms.ToArray();
                        reactor.Stop();
                    });
                });
            });
        }
        finally
        {
            File.Delete(path);
        }
        Assert.True(sent!.Value.Succeeded);
        Assert.Equal(content[^1], sent.Value.Value);
        Assert.Equal(content, got);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void OneSocketAsStdinAndStdoutHalfClosesWithShutdown(string name)
    {
        // inetd's way: one connected socket is both descriptors. Closing stdout must send FIN even though
        // other descriptors (here the runtime's Socket) still hold the socket.
        var reactor = ReactorNames.Create(name);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.TcpClient();
        client.Connect((System.Net.IPEndPoint)listener.LocalEndpoint);
        using var accepted = listener.AcceptSocket();
        var fd = StdioDescriptors.Duplicate((int)accepted.Handle);
        var wasNonBlocking = StdioDescriptors.IsNonBlocking(fd);
        Recorder? protocol = null;
        byte[]? reply = null;
        ReactorRunner.Run(reactor, () =>
        {
            protocol = new Recorder();
            var stdio = new StandardIO(protocol, reactor, stdin: fd, stdout: fd);
            protocol.ReadEnded = () =>
            {
                stdio.Write("got "u8);
                stdio.Write(protocol.Received.ToArray());
                stdio.LoseWriteConnection();
            };
            protocol.Lost = () =>
            {
                if (reply is not null) reactor.Stop();
            };
            reactor.CallInThread(() =>
            {
                var stream = client.GetStream();
                stream.Write("abc"u8);
                client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                client.ReceiveTimeout = 30_000;
                var ms = new MemoryStream();
                stream.CopyTo(ms);
                reactor.CallFromThread(() =>
                {
                    reply = ms.ToArray();
                    if (protocol.Reason is not null) reactor.Stop();
                });
            });
        });
        Assert.Equal(["made pipe pipe", "read-eof", "write-closed", "lost ConnectionDone"], protocol!.Events);
        Assert.Equal("got abc"u8.ToArray(), reply);
        // The socket's O_NONBLOCK, shared by both directions, is back as it was.
        Assert.Equal(wasNonBlocking, StdioDescriptors.IsNonBlocking((int)accepted.Handle));
    }

    [Fact]
    public void TheStdioDescriptionMakesAStandardIOEndpoint()
    {
        var reactor = ReactorNames.Create("epoll");
        Assert.IsType<StandardIOEndpoint>(Torsion.Internet.Endpoints.ServerFromString(reactor, "stdio:"));
        Assert.IsType<StandardIOEndpoint>(Torsion.Internet.Endpoints.ServerFromString(reactor, "stdio"));
        Assert.Contains("stdio", Torsion.Internet.Endpoints.ServerTypes);
        Assert.Throws<EndpointSyntaxException>(() => Torsion.Internet.Endpoints.ServerFromString(reactor, "stdio:0"));
        Assert.Throws<EndpointSyntaxException>(() => Torsion.Internet.Endpoints.ServerFromString(reactor, "stdio:fd=3"));
        Assert.Equal("pipe", PipeAddress.Instance.ToString());
        ((ReactorBase)reactor).Dispose();
    }

    [Fact]
    public void AReactorThatIsNotABackendIsRefused()
    {
        var memory = new Torsion.Testing.MemoryReactor();
        Assert.Throws<ArgumentException>(() => new StandardIO(new Recorder(), memory, stdin: 0, stdout: 1));
    }
}
