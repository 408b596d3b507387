using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>
/// A streaming producer that writes "until paused" must not spin when the peer is already gone: the
/// failed write pauses it, and the loss then stops it (found by the stream benchmark, whose load
/// generator's readiness probe connects and leaves at once). Every backend.
/// </summary>
public sealed class ProducerOnDeadConnectionTests
{
    private sealed class UntilPaused(Action<List<string>> done) : Protocol, IPushProducer
    {
        private static readonly byte[] Chunk = new byte[64 * 1024];
        private readonly List<string> _events = new();
        private bool _paused;
        private bool _stopped;
        private int _writes;

        public override void ConnectionMade() => ((IConsumer)Transport).RegisterProducer(this, streaming: true);

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            // The peer has reset by now; write until told to stop — bounded only as a test safety net.
            while (!_paused && !_stopped && _writes < 100_000)
            {
                Transport.Write(Chunk);
                _writes++;
            }
            _events.Add(_writes < 100_000 ? "stopped-writing" : "spun");
        }

        public void PauseProducing() { _paused = true; _events.Add("pause"); }
        public void ResumeProducing() { _paused = false; _events.Add("resume"); }
        public void StopProducing() { _stopped = true; _events.Add("stop"); }
        public override void ConnectionLost(Failure reason) => done(_events);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WritingUntilPausedEndsWhenThePeerHasReset(string name)
    {
        var reactor = ReactorNames.Create(name);
        List<string>? events = null;
        ReactorRunner.Run(reactor, () =>
        {
            var port = reactor.ListenTcp(0, Factory.ForProtocol(() => new UntilPaused(e => { events = e; reactor.Stop(); })), interfaceAddress: "127.0.0.1");
            reactor.CallInThread(() =>
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                client.Connect((IPEndPoint)port.GetHost());
                client.Send("go"u8);
                // Reset the connection with the byte unread by nobody but the server: the server's
                // first writes then fail.
                client.LingerState = new LingerOption(true, 0);
                client.Close();
            });
        });
        Assert.NotNull(events);
        Assert.Contains("stopped-writing", events!);
        Assert.DoesNotContain("spun", events!);
        Assert.Contains("stop", events!);
    }
}
