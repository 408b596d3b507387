using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>Gathers a whole body (Twisted's <c>readBody</c> protocol) and fires with it.</summary>
internal sealed class BodyCollector : Protocol
{
    private readonly MemoryStream _data = new();

    public Deferred<byte[]> Done { get; } = new();

    public override void DataReceived(ReadOnlySpan<byte> data) => _data.Write(data);

    public override void ConnectionLost(Failure reason)
    {
        // A body framed by the close is all the server sent: for a plain read that is success (see docs/web.md).
        if (reason.Value is ResponseDoneException or PotentialDataLossException)
        {
            Done.Callback(_data.ToArray());
        }
        else
        {
            Done.Errback(reason);
        }
    }
}
