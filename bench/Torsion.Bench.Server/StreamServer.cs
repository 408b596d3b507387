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
        // Bounded per call so one pass of the loop cannot run forever if the transport never pauses.
        for (var i = 0; i < 64 && !_paused && !_stopped; i++)
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
