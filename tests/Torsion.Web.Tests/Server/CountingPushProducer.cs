using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>A push producer writing <c>total</c> bytes to a request in 64 KiB pieces, one piece per reactor turn, counting pauses.</summary>
internal sealed class CountingPushProducer(Request request, IReactorTime clock, long total) : IPushProducer
{
    private readonly byte[] _piece = new byte[64 * 1024];
    private long _sent;
    private bool _paused;
    private IDelayedCall? _next;

    public int Pauses { get; private set; }

    public bool Stopped { get; private set; }

    public long Sent => _sent;

    public void Start()
    {
        request.RegisterProducer(this, streaming: true);
        Schedule();
    }

    public void PauseProducing()
    {
        _paused = true;
        Pauses++;
    }

    public void ResumeProducing()
    {
        _paused = false;
        Schedule();
    }

    public void StopProducing()
    {
        Stopped = true;
        if (_next is { Active: true })
        {
            _next.Cancel();
        }
    }

    private void Schedule()
    {
        if (_next is not { Active: true } && !Stopped)
        {
            _next = clock.CallLater(0, Produce);
        }
    }

    private void Produce()
    {
        while (!_paused && !Stopped && _sent < total)
        {
            var n = (int)Math.Min(_piece.Length, total - _sent);
            request.Write(_piece.AsSpan(0, n));
            _sent += n;
        }
        if (_sent == total && !Stopped)
        {
            request.UnregisterProducer();
            request.Finish();
            Stopped = true;
        }
    }
}
