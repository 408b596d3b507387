using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>A pull producer (Twisted's non-streaming producer) is asked for more once per drain, on every backend.</summary>
public sealed class PullProducerTests
{
    /// <summary>Writes one 16 KiB chunk per ResumeProducing, N chunks in all, then unregisters and closes.</summary>
    private sealed class ChunkPuller(int chunks, Action<int> done) : Protocol, IPullProducer
    {
        private int _sent;
        private int _asked;

        public override void ConnectionMade() => ((IConsumer)Transport).RegisterProducer(this, streaming: false);

        public void ResumeProducing()
        {
            _asked++;
            if (_sent == chunks)
            {
                return;
            }
            var chunk = new byte[16 * 1024];
            chunk.AsSpan().Fill((byte)_sent);
            Transport.Write(chunk);
            if (++_sent == chunks)
            {
                ((IConsumer)Transport).UnregisterProducer();
                Transport.LoseConnection();
            }
        }

        public void StopProducing() { }

        public override void ConnectionLost(Failure reason) => done(_asked);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void PullProducerIsAskedOncePerDrainAndEveryChunkArrivesInOrder(string name)
    {
        const int Chunks = 64;
        var reactor = ReactorNames.Create(name);
        var asked = -1;
        byte[]? received = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new ChunkPuller(Chunks, n => asked = n)), interfaceAddress: "127.0.0.1");
            reactor.CallInThread(() =>
            {
                using var client = new TcpClient { ReceiveTimeout = 60_000 };
                client.Connect((IPEndPoint)port.GetHost());
                var ms = new MemoryStream();
                client.GetStream().CopyTo(ms);
                reactor.CallFromThread(() => { received = ms.ToArray(); reactor.Stop(); });
            });
        });
        Assert.Equal(Chunks * 16 * 1024, received!.Length);
        for (var i = 0; i < Chunks; i++)
        {
            Assert.Equal((byte)i, received[i * 16 * 1024]);
        }
        // Once at registration and once per drain after each write: exactly as many asks as chunks.
        Assert.Equal(Chunks, asked);
    }
}
