using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Something on a <see cref="SocketsReactor"/> that owns a socket and its pending operations:
/// a port, a connection, or a connector still connecting.
/// </summary>
internal interface ISocketOwner
{
    /// <summary>One of this owner's operations finished; runs on the loop thread.</summary>
    void Completed(SocketOperation operation);

    /// <summary>The reactor is shutting down: close the socket and tell whoever listens.</summary>
    void Shutdown(Failure reason);
}
