using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>What <see cref="StandardIOEndpoint.Listen"/> returns: the one connection is already made, so stopping it only stops nothing more.</summary>
internal sealed class StandardIOPort(StandardIO transport) : IListeningPort
{
    /// <summary>The transport the endpoint connected.</summary>
    internal StandardIO Transport => transport;

    public Deferred StopListening() => Deferred.Succeed();

    public EndPoint GetHost() => PipeAddress.Instance;
}
