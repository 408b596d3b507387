using System.Text;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Pipes;

/// <summary>
/// The pipe layer on its own, over pipe2 pairs, on every backend: data and end of file, back-pressure both
/// ways (a paused reader leaves the bytes in the pipe, so the writer's buffer fills and its streaming producer
/// is paused; after resuming every byte arrives), EPIPE when the reader goes away (written to, or idle), and a
/// regular file (thread-driven on every backend).
/// </summary>
public sealed class PipeLayerTests
{
    private sealed class Recorder : IPipeReadHandler, IPipeWriteHandler
    {
        public readonly MemoryStream Data = new();
        public Failure? ReadEnded;
        public Failure? WriteEnded;
        public Action? OnReadEnded;
        public Action? OnWriteEnded;

        public void PipeDataReceived(PipeReader reader, ReadOnlySpan<byte> data)
        {
            Data.Write(data);
        }

        public void PipeReadEnded(PipeReader reader, Failure reason)
        {
            Assert.Null(ReadEnded);
            ReadEnded = reason;
            OnReadEnded?.Invoke();
        }

        public void PipeWriteEnded(PipeWriter writer, Failure reason)
        {
            Assert.Null(WriteEnded);
            WriteEnded = reason;
            OnWriteEnded?.Invoke();
        }
    }

    /// <summary>Writes 16 KiB chunks until paused, up to a total; then unregisters and closes the writer.</summary>
    private sealed class Flood(PipeWriter writer, long total) : IPushProducer
    {
        private readonly byte[] _chunk = new byte[16 * 1024];
        public long Written;
        public bool Paused;
        public int Pauses;

        public void Produce()
        {
            while (!Paused && Written < total)
            {
                var n = (int)Math.Min(_chunk.Length, total - Written);
                Written += n;
                writer.Write(_chunk.AsSpan(0, n));
            }
            if (Written == total)
            {
                writer.UnregisterProducer();
                writer.LoseConnection();
            }
        }

        public void PauseProducing()
        {
            Paused = true;
            Pauses++;
        }

        public void ResumeProducing()
        {
            Paused = false;
            Produce();
        }

        public void StopProducing() => Paused = true;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void BytesAndEndOfFileArrive(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var r = new Recorder();
        r.OnReadEnded = reactor.Stop;
        ReactorRunner.Run(reactor, () =>
        {
            var (readFd, writeFd) = PipeDescriptors.CreatePipe();
            var reader = PipeReader.Open(reactor, readFd, r);
            var writer = PipeWriter.Open(reactor, writeFd, r);
            reader.Start();
            writer.Write("hello "u8);
            writer.Write("pipe"u8);
            writer.LoseConnection();
        }, timeout: 30);
        Assert.Equal("hello pipe", Encoding.ASCII.GetString(r.Data.ToArray()));
        Assert.IsType<ConnectionDone>(r.ReadEnded!.Value);
        Assert.IsType<ConnectionDone>(r.WriteEnded!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void APausedReaderPausesTheWritersProducerAndEverythingArrivesAfterResume(string name)
    {
        const long total = 8L * 1024 * 1024;
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var r = new Recorder();
        r.OnReadEnded = reactor.Stop;
        long receivedWhilePaused = -1, writtenWhilePaused = -1, bufferedWhilePaused = -1;
        var pausedWhilePaused = false;
        ReactorRunner.Run(reactor, () =>
        {
            var (readFd, writeFd) = PipeDescriptors.CreatePipe();
            var reader = PipeReader.Open(reactor, readFd, r);
            var writer = PipeWriter.Open(reactor, writeFd, r);
            reader.Pause();
            reader.Start();
            var flood = new Flood(writer, total);
            writer.RegisterProducer(flood, streaming: true);
            flood.Produce();
            // The producer is paused once the writer buffers more than the high-water mark; wait until the
            // descriptor has taken all it will (the pipe is full), then look.
            void Check(int round)
            {
                if (round < 50 && !flood.Paused)
                {
                    reactor.CallLater(0.05, () => Check(round + 1));
                    return;
                }
                reactor.CallLater(0.3, () =>
                {
                    receivedWhilePaused = r.Data.Length;
                    writtenWhilePaused = flood.Written;
                    bufferedWhilePaused = writer.BufferedBytes;
                    pausedWhilePaused = flood.Paused;
                    reader.Resume();
                });
            }
            Check(0);
        }, timeout: 60);
        Assert.True(pausedWhilePaused, "the streaming producer was never paused");
        Assert.Equal(0, receivedWhilePaused);
        // Bounded: the pipe's capacity plus the high-water mark plus a chunk, far below the total.
        Assert.InRange(writtenWhilePaused, StreamTransport.HighWaterMark, 1024 * 1024);
        Assert.True(bufferedWhilePaused > 0, "the writer had flushed everything though the reader was paused");
        Assert.Equal(total, r.Data.Length);
        Assert.IsType<ConnectionDone>(r.ReadEnded!.Value);
        Assert.IsType<ConnectionDone>(r.WriteEnded!.Value);
    }

    /// <summary>Writes one chunk each time it is asked, a fixed number of times, then unregisters and closes the writer.</summary>
    private sealed class Chunks(PipeWriter writer, int count) : IPullProducer
    {
        public int Asked;

        public void ResumeProducing()
        {
            Asked++;
            if (Asked > count)
            {
                writer.UnregisterProducer();
                writer.LoseConnection();
                return;
            }
            writer.Write(new byte[40 * 1024]);
        }

        public void StopProducing()
        {
        }
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void APullProducerIsAskedAgainOnEachDrain(string name)
    {
        const int count = 50;
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var r = new Recorder();
        r.OnReadEnded = reactor.Stop;
        Chunks? chunks = null;
        ReactorRunner.Run(reactor, () =>
        {
            var (readFd, writeFd) = PipeDescriptors.CreatePipe();
            var reader = PipeReader.Open(reactor, readFd, r);
            var writer = PipeWriter.Open(reactor, writeFd, r);
            reader.Start();
            chunks = new Chunks(writer, count);
            writer.RegisterProducer(chunks, streaming: false);
        }, timeout: 30);
        Assert.Equal(count + 1, chunks!.Asked);
        Assert.Equal(count * 40 * 1024, r.Data.Length);
        Assert.IsType<ConnectionDone>(r.WriteEnded!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WritingToAPipeWhoseReaderIsGoneEndsTheWriterWithEpipe(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var r = new Recorder();
        r.OnWriteEnded = reactor.Stop;
        ReactorRunner.Run(reactor, () =>
        {
            var (readFd, writeFd) = PipeDescriptors.CreatePipe();
            var writer = PipeWriter.Open(reactor, writeFd, r);
            PipeDescriptors.Close(readFd);
            writer.Write(new byte[100_000]);
        }, timeout: 30);
        var lost = Assert.IsType<ConnectionLost>(r.WriteEnded!.Value);
        Assert.Equal(32, Assert.IsType<SystemCallException>(lost.InnerException).Errno);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AnIdleWriterNoticesItsReaderGoing(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var r = new Recorder();
        r.OnWriteEnded = reactor.Stop;
        ReactorRunner.Run(reactor, () =>
        {
            var (readFd, writeFd) = PipeDescriptors.CreatePipe();
            PipeWriter.Open(reactor, writeFd, r);
            reactor.CallLater(0.05, () => PipeDescriptors.Close(readFd));
        }, timeout: 30);
        Assert.IsType<ConnectionLost>(r.WriteEnded!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ARegularFileIsReadToTheEnd(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var path = Path.GetTempFileName();
        var content = new byte[300_000];
        new Random(7).NextBytes(content);
        File.WriteAllBytes(path, content);
        var r = new Recorder();
        r.OnReadEnded = reactor.Stop;
        try
        {
            ReactorRunner.Run(reactor, () =>
            {
                var handle = File.OpenHandle(path);
                var fd = (int)handle.DangerousGetHandle();
                handle.SetHandleAsInvalid();
                var reader = PipeReader.Open(reactor, fd, r);
                Assert.IsType<ThreadPipeReader>(reader);
                reader.Start();
            }, timeout: 30);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(content, r.Data.ToArray());
        Assert.IsType<ConnectionDone>(r.ReadEnded!.Value);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void ShutdownClosesOpenPipes(string name)
    {
        var reactor = (ReactorBase)ReactorNames.Create(name);
        var r = new Recorder();
        int writeFd = -1, readFd2 = -1;
        ReactorRunner.Run(reactor, () =>
        {
            var (readFd, wfd) = PipeDescriptors.CreatePipe();
            writeFd = wfd;
            PipeReader.Open(reactor, readFd, r).Start();
            var (rfd2, wfd2) = PipeDescriptors.CreatePipe();
            readFd2 = rfd2;
            PipeWriter.Open(reactor, wfd2, r);
            reactor.Stop();
        }, timeout: 30);
        Assert.IsType<ConnectionLost>(r.ReadEnded!.Value);
        Assert.IsType<ConnectionLost>(r.WriteEnded!.Value);
        PipeDescriptors.Close(writeFd);
        PipeDescriptors.Close(readFd2);
    }
}
