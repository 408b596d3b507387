using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Bench.Server;

/// <summary>A streaming producer: writes 64 KiB chunks until the transport pauses it.</summary>
internal sealed class StreamServer : Protocol, IPushProducer
{
    private static readonly byte[] Chunk = new byte[64 * 1024];
    private bool _paused;
    private bool _stopped;

    public override void ConnectionMade()
    {
        ((IConsumer)Transport).RegisterProducer(this, streaming: true);
        Produce();
    }

    private void Produce()
    {
        // Write until the transport pauses us: it does so as soon as more than its high-water mark
        // (64 KiB) waits in its buffer, which at memory speed against a network peer is within a few
        // chunks. Stopping after a fixed count instead would leave a producer that is neither paused
        // nor producing, and nothing would ever resume it.
        while (!_paused && !_stopped)
        {
            Transport.Write(Chunk);
        }
    }

    public void PauseProducing() => _paused = true;

    public void ResumeProducing()
    {
        _paused = false;
        Produce();
    }

    public void StopProducing() => _stopped = true;

    public override void ConnectionLost(Failure reason) => _stopped = true;
}
