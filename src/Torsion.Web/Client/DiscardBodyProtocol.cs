using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Web.Client;

/// <summary>Reads a body and drops it (a redirect's), so its connection can be reused; fires when the body has ended, however.</summary>
internal sealed class DiscardBodyProtocol : Protocol
{
    public Deferred Ended { get; } = new();

    public override void ConnectionLost(Failure reason) => Ended.Callback();
}
