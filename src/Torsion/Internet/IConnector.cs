using System.Net;

namespace Torsion.Internet;

/// <summary>An outgoing connection attempt and the connection it makes (Twisted's <c>IConnector</c>).</summary>
public interface IConnector
{
    /// <summary>Abandons an attempt in progress; the factory's ClientConnectionFailed gets a <see cref="UserError"/>.</summary>
    void StopConnecting();

    /// <summary>Closes the connection (or abandons the attempt).</summary>
    void Disconnect();

    /// <summary>Starts a new attempt to the same destination, as ReconnectingClientFactory does.</summary>
    void Connect();

    /// <summary>The address this connector connects to.</summary>
    EndPoint GetDestination();
}
