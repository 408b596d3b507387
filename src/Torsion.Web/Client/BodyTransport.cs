using System.Net;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>
/// The transport a body protocol sees (Twisted's <c>TransportProxyProducer</c>): it can pause, resume and
/// stop the body, which is flow control on the connection; it cannot write.
/// </summary>
internal sealed class BodyTransport(IBodyFlow flow) : ITransport, IPushProducer
{
    private bool _stopped;

    public bool Disconnecting => _stopped;

    public void Write(ReadOnlySpan<byte> data) => throw new NotSupportedException("A response body cannot be written to.");

    public void WriteSequence(IEnumerable<ReadOnlyMemory<byte>> data) => throw new NotSupportedException("A response body cannot be written to.");

    public void LoseConnection() => StopProducing();

    public EndPoint GetPeer() => flow.GetPeer();

    public EndPoint GetHost() => flow.GetHost();

    public void PauseProducing()
    {
        if (!_stopped)
        {
            flow.PauseBody();
        }
    }

    public void ResumeProducing()
    {
        if (!_stopped)
        {
            flow.ResumeBody();
        }
    }

    public void StopProducing()
    {
        if (!_stopped)
        {
            _stopped = true;
            flow.StopBody();
        }
    }
}
