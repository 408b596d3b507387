using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>A listening socket (Twisted's <c>IListeningPort</c>).</summary>
public interface IListeningPort
{
    /// <summary>Stops accepting; the Deferred fires once the socket is closed. Connections already accepted go on.</summary>
    Deferred StopListening();

    /// <summary>The address actually bound: for port 0, this tells which port was picked.</summary>
    EndPoint GetHost();
}
