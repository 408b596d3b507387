using System.Net;
using Torsion.Internet;

namespace Torsion.Services;

/// <summary>Wraps the user's factory for <see cref="ClientService"/>: each protocol it builds is wrapped in a <see cref="ClientServiceProtocol"/>.</summary>
internal sealed class ClientServiceFactory(Factory inner, Action<ClientServiceProtocol> lost) : Factory
{
    public override IProtocol? BuildProtocol(EndPoint address)
    {
        var p = inner.BuildProtocol(address);
        return p is null ? null : new ClientServiceProtocol(p, lost);
    }

    protected override void StartFactory() => inner.DoStart();

    protected override void StopFactory() => inner.DoStop();
}
