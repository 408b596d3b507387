using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;

namespace Torsion.Tests.Protocols;

/// <summary>FileSender streaming files into real TCP connections on every backend, and into a consumer that pauses.</summary>
public sealed class FileSenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-filesender-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>On connection, runs <paramref name="start"/> (which begins a transfer) and hands its outcome to <paramref name="done"/>.</summary>
    private sealed class Sender(Func<Protocol, Deferred<byte?>> start, Action<Protocol, Outcome<byte?>> done) : Protocol
    {
        public override void ConnectionMade() => start(this).AddBoth(outcome =>
        {
            done(this, outcome);
            return 0;
        });
    }

    private string MakeFile(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_dir, $"f{seed}-{length}.bin");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static FileStream Open(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);

    /// <summary>Connects a blocking client on a pool thread; it reads to end of file and reports the bytes on the loop.</summary>
    private static void ReadAllFromThread(IReactor reactor, IListeningPort port, Action<byte[]> received)
    {
        var endpoint = (IPEndPoint)port.GetHost();
        reactor.CallInThread(() =>
        {
            using var client = new TcpClient();
            client.ReceiveTimeout = 60_000;
            client.Connect(endpoint);
            var ms = new MemoryStream();
            client.GetStream().CopyTo(ms);
            reactor.CallFromThread(() => received(ms.ToArray()));
        });
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void FileArrivesWholeAndTheDeferredHasTheLastByte(string name)
    {
        var reactor = ReactorNames.Create(name);
        // Not a multiple of the chunk size, so the last read is short.
        var path = MakeFile(3 * FileSender.DefaultChunkSize + 12_345);
        var expected = File.ReadAllBytes(path);
        byte[]? got = null;
        Outcome<byte?>? outcome = null;
        FileStream? file = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Sender(
                p => new FileSender(reactor).BeginFileTransfer(file = Open(path), p.Transport),
                (p, o) =>
                {
                    outcome = o;
                    p.Transport.LoseConnection();
                })), interfaceAddress: "127.0.0.1");
            ReadAllFromThread(reactor, port, bytes =>
            {
                got = bytes;
                reactor.Stop();
            });
        });
        Assert.True(outcome!.Value.Succeeded, outcome.ToString());
        Assert.Equal(expected[^1], outcome.Value.Value);
        Assert.Equal(expected, got);
        // The sender closes nothing: the file is the caller's, read to its end.
        Assert.True(file!.CanRead);
        Assert.Equal(expected.Length, file.Position);
        file.Dispose();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void TransformAppliesToEveryChunkAndToTheLastByte(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = MakeFile(FileSender.DefaultChunkSize + 999, seed: 2);
        var expected = File.ReadAllBytes(path).Select(b => (byte)~b).ToArray();
        byte[]? got = null;
        Outcome<byte?>? outcome = null;
        var chunks = 0;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Sender(
                p => new FileSender(reactor, chunkSize: 64 * 1024).BeginFileTransfer(Open(path), p.Transport, chunk =>
                {
                    chunks++;
                    // In place: the chunk's memory is the sender's own buffer, valid during the call.
                    var array = System.Runtime.InteropServices.MemoryMarshal.AsMemory(chunk).Span;
                    for (var i = 0; i < array.Length; i++) array[i] = (byte)~array[i];
                    return chunk;
                }),
                (p, o) =>
                {
                    outcome = o;
                    p.Transport.LoseConnection();
                })), interfaceAddress: "127.0.0.1");
            ReadAllFromThread(reactor, port, bytes =>
            {
                got = bytes;
                reactor.Stop();
            });
        });
        Assert.Equal(expected, got);
        Assert.Equal(expected[^1], outcome!.Value.Value);
        Assert.Equal(5, chunks);
    }

    [Fact]
    public void AnEmptyFileFiresWithNoLastByte()
    {
        var reactor = ReactorNames.Create("epoll");
        var path = MakeFile(0);
        byte[]? got = null;
        Outcome<byte?>? outcome = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Sender(
                p => new FileSender(reactor).BeginFileTransfer(Open(path), p.Transport),
                (p, o) =>
                {
                    outcome = o;
                    p.Transport.LoseConnection();
                })), interfaceAddress: "127.0.0.1");
            ReadAllFromThread(reactor, port, bytes =>
            {
                got = bytes;
                reactor.Stop();
            });
        });
        Assert.True(outcome!.Value.Succeeded);
        Assert.Null(outcome.Value.Value);
        Assert.Empty(got!);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void CancellingMidwayStopsTheReadsAndLeavesTheConnectionOpen(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = MakeFile(32 * 64 * 1024, seed: 3);
        var expected = File.ReadAllBytes(path);
        byte[]? got = null;
        Outcome<byte?>? outcome = null;
        var chunks = 0;
        var chunksAtCancel = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() =>
            {
                Deferred<byte?>? transfer = null;
                return new Sender(
                    p => transfer = new FileSender(reactor, chunkSize: 64 * 1024).BeginFileTransfer(Open(path), p.Transport, chunk =>
                    {
                        if (++chunks == 3)
                        {
                            reactor.CallLater(0, () =>
                            {
                                chunksAtCancel = chunks;
                                transfer!.Cancel();
                            });
                        }
                        return chunk;
                    }),
                    (p, o) =>
                    {
                        outcome = o;
                        // The connection is still ours to use.
                        p.Transport.Write("END"u8);
                        p.Transport.LoseConnection();
                    });
            }), interfaceAddress: "127.0.0.1");
            ReadAllFromThread(reactor, port, bytes =>
            {
                got = bytes;
                reactor.Stop();
            });
        });
        Assert.IsType<CancelledException>(outcome!.Value.Failure!.Value);
        Assert.Equal(chunksAtCancel, chunks);
        Assert.True(chunks < 32);
        Assert.Equal(chunks * 64 * 1024 + 3, got!.Length);
        Assert.Equal(expected.AsSpan(0, got.Length - 3).ToArray(), got[..^3]);
        Assert.Equal("END"u8.ToArray(), got[^3..]);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ThePeerLeavingMidwayFailsTheDeferredWithConnectionLost(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = MakeFile(16 << 20, seed: 4);
        Outcome<byte?>? outcome = null;
        FileStream? file = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Sender(
                p => new FileSender(reactor).BeginFileTransfer(file = Open(path), p.Transport),
                (p, o) =>
                {
                    outcome = o;
                    reactor.Stop();
                })), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                // Read a little, then reset the connection (linger 0): the server's next write fails.
                using var client = new TcpClient { ReceiveTimeout = 60_000, LingerState = new LingerOption(true, 0) };
                client.Connect(endpoint);
                var buffer = new byte[64 * 1024];
                var total = 0;
                while (total < 256 * 1024)
                {
                    var n = client.GetStream().Read(buffer);
                    if (n == 0) break;
                    total += n;
                }
            });
        });
        var failure = outcome!.Value.Failure;
        Assert.NotNull(failure);
        Assert.IsType<ConnectionLost>(failure.Value);
        Assert.True(file!.Position < 16 << 20, $"read {file.Position}");
        Assert.True(file.CanRead);
        file.Dispose();
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AReadErrorFailsTheDeferredWithIt(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = MakeFile(4 * 64 * 1024, seed: 5);
        Outcome<byte?>? outcome = null;
        byte[]? got = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Sender(
                p => new FileSender(reactor, chunkSize: 64 * 1024).BeginFileTransfer(new FailingStream(Open(path), failAfter: 128 * 1024), p.Transport),
                (p, o) =>
                {
                    outcome = o;
                    p.Transport.LoseConnection();
                })), interfaceAddress: "127.0.0.1");
            ReadAllFromThread(reactor, port, bytes =>
            {
                got = bytes;
                reactor.Stop();
            });
        });
        var failure = outcome!.Value.Failure!;
        Assert.IsType<IOException>(failure.Value);
        Assert.Contains("disk on fire", failure.ErrorMessage);
        Assert.Equal(128 * 1024, got!.Length);
    }

    [Fact]
    public void AnUnreadableFileOrAConsumerlessTransportIsRefusedAtOnce()
    {
        var reactor = ReactorNames.Create("epoll");
        var path = MakeFile(10);
        using var writeOnly = new FileStream(path, FileMode.Open, FileAccess.Write);
        var transport = new Torsion.Testing.StringTransport();
        Assert.Throws<ArgumentException>(() => new FileSender(reactor).BeginFileTransfer(writeOnly, transport));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FileSender(reactor, chunkSize: 0));
        ((ReactorBase)reactor).Dispose();
    }

    [Fact]
    public void APausedSenderReadsAtMostTwoChunksAheadAndResumes()
    {
        var reactor = ReactorNames.Create("epoll");
        const int Chunk = 64 * 1024;
        var path = MakeFile(20 * Chunk, seed: 6);
        var expected = File.ReadAllBytes(path);
        var consumer = new PausingConsumer();
        CountingStream? file = null;
        Outcome<byte?>? outcome = null;
        int readsWhilePaused = -1, writesWhilePaused = -1, writesAtPause = -1;
        ReactorRunner.Run(reactor, () =>
        {
            file = new CountingStream(Open(path));
            // The consumer pauses the sender as the first chunk is written.
            consumer.OnWrite = count =>
            {
                if (count == 1)
                {
                    consumer.Producer!.PauseProducing();
                    writesAtPause = count;
                    WaitForReads();
                }
            };
            new FileSender(reactor, chunkSize: Chunk).BeginFileTransfer(file, consumer).AddBoth(o =>
            {
                outcome = o;
                reactor.Stop();
                return 0;
            });

            // The read that was in flight at the pause completes; then nothing more may happen while paused.
            void WaitForReads()
            {
                if (file.Reads < 2)
                {
                    reactor.CallLater(0.01, WaitForReads);
                    return;
                }
                reactor.CallLater(0.2, () =>
                {
                    readsWhilePaused = file.Reads;
                    writesWhilePaused = consumer.Writes;
                    consumer.Producer!.ResumeProducing();
                });
            }
        });
        Assert.Equal(1, writesAtPause);
        Assert.Equal(2, readsWhilePaused);
        Assert.Equal(1, writesWhilePaused);
        Assert.True(outcome!.Value.Succeeded);
        Assert.Equal(expected, consumer.Received.ToArray());
        Assert.Null(consumer.Producer);
        Assert.Equal(1, consumer.Registrations);
    }

    /// <summary>An in-memory transport and consumer that records writes and lets the test pause its producer.</summary>
    private sealed class PausingConsumer : ITransport, IConsumer
    {
        public MemoryStream Received { get; } = new();
        public IPushProducer? Producer { get; private set; }
        public int Writes { get; private set; }
        public int Registrations { get; private set; }
        public Action<int>? OnWrite { get; set; }
        public bool Disconnecting => false;

        public void Write(ReadOnlySpan<byte> data)
        {
            Received.Write(data);
            Writes++;
            OnWrite?.Invoke(Writes);
        }

        public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data)
        {
            foreach (var d in data) Write(d.Span);
        }

        public void LoseConnection() { }
        public EndPoint GetPeer() => new IPEndPoint(IPAddress.Loopback, 1);
        public EndPoint GetHost() => new IPEndPoint(IPAddress.Loopback, 2);

        public void RegisterProducer(IProducer producer, bool streaming)
        {
            Assert.True(streaming);
            Producer = (IPushProducer)producer;
            Registrations++;
        }

        public void UnregisterProducer() => Producer = null;
    }
}
