using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Somewhere to connect to (Twisted's <c>IStreamClientEndpoint</c>).</summary>
public interface IStreamClientEndpoint
{
    /// <summary>
    /// Connects and fires with the protocol <paramref name="factory"/> built, once it is connected; fails
    /// with the connection error. Cancelling the Deferred abandons the attempt (<see cref="ConnectingCancelledError"/>).
    /// </summary>
    Deferred<IProtocol> Connect(Factory factory);
}
