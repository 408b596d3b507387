using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Proxy;

/// <summary>
/// An upstream response body of <c>total</c> bytes (byte i is i % 251), written as fast as the connection
/// takes it: a streaming producer, paused by the server when the connection's buffer is full. It counts
/// what it wrote and how often it was paused, and whether the client (the proxy) went away.
/// </summary>
internal sealed class PatternProducer : IPushProducer
{
    private readonly Request _request;
    private readonly long _total;
    private readonly byte[] _block = new byte[64 * 1024];
    private bool _paused;
    private bool _stopped;

    public PatternProducer(Request request, long total)
    {
        _request = request;
        _total = total;
    }

    public long Written { get; private set; }

    public int Pauses { get; private set; }

    public bool Paused => _paused;

    public bool Stopped => _stopped;

    public static byte At(long offset) => (byte)(offset % 251);

    public void Start()
    {
        _request.RegisterProducer(this, streaming: true);
        Produce();
    }

    public void PauseProducing()
    {
        _paused = true;
        Pauses++;
    }

    public void ResumeProducing()
    {
        _paused = false;
        Produce();
    }

    public void StopProducing() => _stopped = true;

    private void Produce()
    {
        while (!_paused && !_stopped && Written < _total)
        {
            var n = (int)Math.Min(_block.Length, _total - Written);
            for (var i = 0; i < n; i++)
            {
                _block[i] = At(Written + i);
            }
            Written += n;
            _request.Write(_block.AsSpan(0, n));
        }
        if (Written == _total && !_stopped && !_request.Finished)
        {
            _request.UnregisterProducer();
            _request.Finish();
        }
    }
}
