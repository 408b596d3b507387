using System.Net;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet.Tls;

/// <summary>Flow control through TLS: producers register with the transport underneath; pausing a TLS transport pauses reading.</summary>
public sealed class TlsProducerTests
{
    private static TestCertificates Certs => TestCertificates.Instance;

    /// <summary>
    /// Resumes the reader once both have happened: the reader connected (and paused), and the flood
    /// was paused. Client and server share one loop, so the client may fill its buffer before the
    /// server's handshake has even finished.
    /// </summary>
    private sealed class Rendezvous(IReactor reactor)
    {
        private SlowReader? _reader;
        private bool _floodPaused;

        public void ReaderConnected(SlowReader reader) { _reader = reader; MaybeResume(); }
        public void FloodPaused() { _floodPaused = true; MaybeResume(); }

        private void MaybeResume()
        {
            if (_reader is { } reader && _floodPaused)
            {
                reactor.CallLater(0, () => reader.Tls.ResumeProducing());
            }
        }
    }

    /// <summary>Reads nothing until told to, then counts what arrives.</summary>
    private sealed class SlowReader(LoopThreadCheck check, Rendezvous rendezvous, Action<SlowReader> lost) : Protocol
    {
        public long Received { get; private set; }
        public ITlsTransport Tls => (ITlsTransport)Transport;

        public override void ConnectionMade()
        {
            check.Here("reader ConnectionMade");
            Tls.PauseProducing();
            rendezvous.ReaderConnected(this);
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            check.Here("reader DataReceived");
            Received += data.Length;
        }

        public override void ConnectionLost(Failure reason) => lost(this);
    }

    /// <summary>Writes until paused once, then after the resume writes one more chunk and finishes.</summary>
    private sealed class Flood(LoopThreadCheck check, Action onFirstPause) : Protocol, IPushProducer
    {
        private const long Cap = 512L * 1024 * 1024;
        private readonly byte[] _chunk = new byte[64 * 1024];
        private bool _paused;
        private bool _finishing;
        private bool _done;
        public long Written { get; private set; }
        public int Pauses { get; private set; }

        public override void ConnectionMade()
        {
            check.Here("flood ConnectionMade");
            ((ITlsTransport)Transport).RegisterProducer(this, streaming: true);
            ResumeProducing();
        }

        public void PauseProducing()
        {
            check.Here("flood PauseProducing");
            _paused = true;
            if (Pauses++ == 0)
            {
                _finishing = true;
                onFirstPause();
            }
        }

        public void ResumeProducing()
        {
            _paused = false;
            while (!_paused && !_done && Written < Cap)
            {
                Written += _chunk.Length;
                Transport.Write(_chunk);
                if (_finishing && !_paused)
                {
                    _done = true;
                    ((ITlsTransport)Transport).UnregisterProducer();
                    Transport.LoseConnection();
                }
            }
        }

        public void StopProducing() => _done = true;
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void StreamingProducerIsPausedAndEverythingArrives(string name)
    {
        var reactor = ReactorNames.Create(name);
        var check = new LoopThreadCheck(reactor);
        SlowReader? reader = null;
        Flood? flood = null;
        ReactorRunner.Run(reactor, () =>
        {
            var ssl = (IReactorSsl)reactor;
            var rendezvous = new Rendezvous(reactor);
            var port = ssl.ListenSsl(0, new Factory(() => reader = new SlowReader(check, rendezvous, _ => reactor.CallLater(0, reactor.Stop))), Certs.ServerOptions(), interfaceAddress: "127.0.0.1");
            ssl.ConnectSsl("127.0.0.1", ((IPEndPoint)port.GetHost()).Port,
                new ClientFactory(() => flood = new Flood(check, rendezvous.FloodPaused)), Certs.ClientOptions());
        }, timeout: 30);
        Assert.True(flood!.Pauses >= 1, "The producer was never paused.");
        Assert.Equal(flood.Written, reader!.Received);
        check.AssertAllOnLoop();
    }
}
