using Torsion.Internet;
using Torsion.Web.Server;

namespace Torsion.Web.Tests.Server;

/// <summary>A pull producer writing one 16 KiB piece each time it is asked, until <c>total</c> bytes, then finishing the request.</summary>
internal sealed class CountingPullProducer(Request request, long total) : IPullProducer
{
    private readonly byte[] _piece = new byte[16 * 1024];
    private long _sent;

    public int Asked { get; private set; }

    public void ResumeProducing()
    {
        Asked++;
        if (_sent >= total)
        {
            return;
        }
        var n = (int)Math.Min(_piece.Length, total - _sent);
        request.Write(_piece.AsSpan(0, n));
        _sent += n;
        if (_sent == total)
        {
            request.UnregisterProducer();
            request.Finish();
        }
    }

    public void StopProducing()
    {
    }
}
