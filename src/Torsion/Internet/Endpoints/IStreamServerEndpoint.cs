using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Somewhere to listen for stream connections (Twisted's <c>IStreamServerEndpoint</c>).</summary>
public interface IStreamServerEndpoint
{
    /// <summary>Starts listening; fires with the port, or fails with <see cref="CannotListenError"/>.</summary>
    Deferred<IListeningPort> Listen(Factory factory);
}
