using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// Flow control bounds memory: a streaming producer writing to a reader far slower than itself makes
/// the transport buffer at most the high-water mark plus the write that crossed it, however much is sent.
/// </summary>
public sealed class TcpFlowControlTests
{
    private const int Chunk = 64 * 1024;

    // Many times the high-water mark and the kernel's buffers, so the producer is paused and resumed
    // hundreds of times: a leak of even a little per cycle would show in the maximum.
    private const long Total = 32L * 1024 * 1024;

    // The bound is exact (a write is only made while the buffer is at or below the mark); the slack
    // only keeps the assertion from depending on that off-by-one.
    private const long Slack = 4 * 1024;

    /// <summary>Writes a byte pattern in 64 KiB chunks while not paused, recording the transport's buffer after each write.</summary>
    private sealed class SamplingProducer : Protocol, IPushProducer
    {
        private readonly byte[] _chunk = new byte[Chunk];
        private long _sent;
        private bool _paused;
        private bool _done;

        internal long MaxBuffered { get; private set; }

        internal int Pauses { get; private set; }

        internal int Writes { get; private set; }

        internal Failure? Lost { get; private set; }

        public override void ConnectionMade()
        {
            ((ITcpTransport)Transport).RegisterProducer(this, streaming: true);
            Produce();
        }

        private long Buffered => Transport is StreamTransport t
            ? t.BufferedBytes
            : throw new InvalidOperationException($"Unexpected transport {Transport.GetType().Name}.");

        private void Produce()
        {
            while (!_paused && !_done)
            {
                var n = (int)Math.Min(_chunk.Length, Total - _sent);
                for (var i = 0; i < n; i++) _chunk[i] = (byte)((_sent + i) % 251);
                _sent += n;
                Transport.Write(_chunk.AsSpan(0, n));
                Writes++;
                // Sampled on the loop, right after the write: the buffer's high point, since only
                // writes make it grow.
                MaxBuffered = Math.Max(MaxBuffered, Buffered);
                if (_sent == Total)
                {
                    _done = true;
                    ((ITcpTransport)Transport).UnregisterProducer();
                    Transport.LoseConnection();
                }
            }
        }

        public void PauseProducing()
        {
            Assert.False(_paused);
            _paused = true;
            Pauses++;
            Paused?.Invoke();
        }

        /// <summary>Called on the loop at every pause.</summary>
        public Action? Paused { get; init; }

        public void ResumeProducing()
        {
            Assert.True(_paused);
            _paused = false;
            Produce();
        }

        public void StopProducing() => _done = true;

        public override void ConnectionLost(Failure reason) => Lost = reason;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void BufferStaysBelowTheHighWaterMarkPlusOneChunkForASlowReader(string name)
    {
        var reactor = ReactorNames.Create(name);
        SamplingProducer? server = null;
        long received = -1;
        long firstMismatch = -1;
        using var pausedOnce = new ManualResetEventSlim();
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => server = new SamplingProducer { Paused = pausedOnce.Set }), interfaceAddress: "127.0.0.1");
            var endpoint = (IPEndPoint)port.GetHost();
            reactor.CallInThread(() =>
            {
                long total = 0, mismatch = -1;
                try
                {
                    // A small receive window and small reads keep the reader the bottleneck without
                    // any sleeping: the server always has more to send than the kernel will take.
                    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                    client.Connect(endpoint);
                    // Read nothing until the producer has been paused once: however busy the machine,
                    // the reader is then the bottleneck by construction, not by racing the loop.
                    pausedOnce.Wait(TimeSpan.FromSeconds(60));
                    var buffer = new byte[1024];
                    int n;
                    while ((n = client.Receive(buffer)) > 0)
                    {
                        for (var i = 0; i < n && mismatch < 0; i++)
                        {
                            if (buffer[i] != (byte)((total + i) % 251)) mismatch = total + i;
                        }
                        total += n;
                    }
                }
                catch (SocketException)
                {
                    // A reset loses data: reported as the short count below.
                }
                reactor.CallFromThread(() =>
                {
                    received = total;
                    firstMismatch = mismatch;
                });
            });
            Poll(reactor, () => received != -1 && server?.Lost is not null, timeout: 100);
        }, timeout: 120);
        Assert.NotNull(server);
        Assert.Equal(Total, received);
        Assert.Equal(-1, firstMismatch);
        Assert.IsType<ConnectionDone>(server.Lost!.Value);
        // The reader really was the bottleneck: the producer had to be paused, and the buffer filled past the mark.
        Assert.True(server.Pauses > 0, "The producer was never paused, so the reader was not slow enough to test anything.");
        Assert.True(server.MaxBuffered > StreamTransport.HighWaterMark, $"The buffer peaked at {server.MaxBuffered} bytes, never above the high-water mark.");
        Assert.True(
            server.MaxBuffered <= StreamTransport.HighWaterMark + Chunk + Slack,
            $"The buffer reached {server.MaxBuffered} bytes in {server.Writes} writes; the bound is {StreamTransport.HighWaterMark + Chunk + Slack}.");
    }

    /// <summary>Stops the reactor once <paramref name="done"/> holds or <paramref name="timeout"/> seconds pass.</summary>
    private static void Poll(IReactor reactor, Func<bool> done, double timeout)
    {
        var deadline = reactor.Seconds() + timeout;
        reactor.CallLater(0, Check);
        void Check()
        {
            if (done() || reactor.Seconds() > deadline)
            {
                reactor.Stop();
                return;
            }
            reactor.CallLater(0.005, Check);
        }
    }
}
