using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Protocols;
using Torsion.Tests.Internet;

namespace Torsion.Tests.Protocols;

/// <summary>
/// A 2 GiB (sparse) file streamed over loopback TCP to a client that reads slowly, stalls, then reads
/// with short pauses: the sender reads the file only as fast as the client takes it, so the bytes read
/// from the file minus the bytes the client received (the sender's two chunks, the transport's buffer,
/// the kernel's socket buffers) stay under a fixed bound throughout, and memory stays flat.
/// </summary>
public sealed class FileSenderLargeFileTests : IDisposable
{
    private const long Length = 2L << 30;

    // Two 256 KiB chunks + the transport's buffer (64 KiB high-water mark + one chunk) + the kernel's send
    // and receive buffers (a few MiB on loopback): 16 MiB is far above them and far below an unpaced read.
    private const long Bound = 16L << 20;

    // A leak proportional to the file would pass 2 GiB; other tests running meanwhile in this process
    // allocate too, so the bound is generous but still an eighth of the file.
    private const long HeapGrowthBound = 256L << 20;

    private static readonly (long Offset, byte[] Bytes)[] Markers =
    [
        (0, "BEGIN"u8.ToArray()),
        ((1L << 30) + 7, "MIDDLE"u8.ToArray()),
        (Length - 3, "END"u8.ToArray()),
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-filesender-big-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Sender(IReactor reactor, string path, Action<CountingStream> opened, Action<Outcome<byte?>> done) : Protocol
    {
        public override void ConnectionMade()
        {
            var file = new CountingStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1));
            opened(file);
            new FileSender(reactor).BeginFileTransfer(file, Transport).AddBoth(outcome =>
            {
                file.Dispose();
                done(outcome);
                Transport.LoseConnection();
                return 0;
            });
        }
    }

    // The two transport implementations: readiness (poll and select share epoll's connection code) and completions.
    [Theory]
    [InlineData("epoll")]
    [InlineData("sockets")]
    public void TwoGibibytesToASlowReaderKeepReadsAndMemoryBounded(string name)
    {
        var path = Path.Combine(_dir, "big.bin");
        using (var f = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            f.SetLength(Length);
            foreach (var (offset, bytes) in Markers)
            {
                f.Position = offset;
                f.Write(bytes);
            }
        }

        var reactor = ReactorNames.Create(name);
        CountingStream? file = null;
        Outcome<byte?>? outcome = null;
        var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new Sender(reactor, path, s => Volatile.Write(ref file, s), o => outcome = o)), interfaceAddress: "127.0.0.1");
        var endpoint = (IPEndPoint)port.GetHost();

        Exception? clientError = null;
        var markerBytes = 0;
        long received = 0, maxAhead = 0, baselineHeap = 0, maxHeap = 0, baselineWorkingSet = 0, maxWorkingSet = 0;
        var client = new Thread(() =>
        {
            try
            {
                Client();
            }
            catch (Exception e)
            {
                clientError = e;
            }
            finally
            {
                reactor.CallFromThread(reactor.Stop);
            }
        }) { IsBackground = true, Name = "slow client" };

        void Client()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, ReceiveTimeout = 60_000 };
            socket.Connect(endpoint);
            var small = new byte[16 * 1024];
            var big = new byte[1 << 20];

            void Take(byte[] buffer, int want)
            {
                var n = socket.Receive(buffer, want, SocketFlags.None);
                Assert.True(n > 0, $"closed after {received} bytes");
                markerBytes += Check(buffer.AsSpan(0, n), received);
                received += n;
                var ahead = Volatile.Read(ref file)!.BytesRead - received;
                maxAhead = Math.Max(maxAhead, ahead);
                Assert.True(ahead <= Bound, $"read {file!.BytesRead} with {received} received");
            }

            // Slow: 4 MiB in 16 KiB reads with a short pause between them.
            while (received < 4L << 20)
            {
                Take(small, small.Length);
                Thread.Sleep(1);
            }
            baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
            baselineWorkingSet = Environment.WorkingSet;

            // Stalled: nothing read for a second; the sender must wait too.
            for (var i = 0; i < 20; i++)
            {
                Thread.Sleep(50);
                var ahead = file!.BytesRead - received;
                maxAhead = Math.Max(maxAhead, ahead);
                Assert.True(ahead <= Bound, $"stalled: read {file.BytesRead} with {received} received");
            }

            // The rest in 1 MiB reads, pausing 2 ms every 32 MiB, sampling memory as it goes.
            var nextPause = received + (32L << 20);
            while (received < Length)
            {
                Take(big, (int)Math.Min(big.Length, Length - received));
                if (received >= nextPause)
                {
                    nextPause += 32L << 20;
                    Thread.Sleep(2);
                    maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(forceFullCollection: false));
                    maxWorkingSet = Math.Max(maxWorkingSet, Environment.WorkingSet);
                }
            }
            Assert.Equal(0, socket.Receive(small));
        }

        reactor.CallWhenRunning(client.Start);
        ReactorRunner.Run(reactor, timeout: 300);
        Assert.True(client.Join(TimeSpan.FromSeconds(60)));
        if (clientError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(clientError);
        }
        Assert.Equal(Length, received);
        Assert.Equal(Markers.Sum(m => m.Bytes.Length), markerBytes);
        Assert.Equal(Length, file!.BytesRead);
        Assert.True(outcome!.Value.Succeeded, outcome.ToString());
        Assert.Equal((byte)'D', outcome.Value.Value);
        Assert.True(maxAhead > 0);
        Assert.True(maxHeap - baselineHeap < HeapGrowthBound, $"heap grew from {baselineHeap} to {maxHeap}");
        Assert.True(maxWorkingSet - baselineWorkingSet < 2 * HeapGrowthBound, $"working set grew from {baselineWorkingSet} to {maxWorkingSet}");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"max ahead {maxAhead >> 10} KiB; heap {baselineHeap >> 20} -> max {maxHeap >> 20} MiB; working set {baselineWorkingSet >> 20} -> max {maxWorkingSet >> 20} MiB");
    }

    // Each byte is its marker's or zero; returns how many marker bytes the data holds.
    private static int Check(ReadOnlySpan<byte> data, long offset)
    {
        var found = 0;
        var nonZero = data.IndexOfAnyExcept((byte)0);
        while (nonZero >= 0)
        {
            var at = offset + nonZero;
            var marker = Markers.FirstOrDefault(m => at >= m.Offset && at < m.Offset + m.Bytes.Length);
            Assert.True(marker.Bytes is not null, $"unexpected byte {data[nonZero]} at {at}");
            Assert.Equal(marker.Bytes[at - marker.Offset], data[nonZero]);
            found++;
            var next = data[(nonZero + 1)..].IndexOfAnyExcept((byte)0);
            nonZero = next < 0 ? -1 : nonZero + 1 + next;
        }
        return found;
    }
}
