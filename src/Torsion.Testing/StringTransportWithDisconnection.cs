using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// A <see cref="StringTransport"/> whose <see cref="LoseConnection"/> ends the connection at once:
/// the first call tells <see cref="Protocol"/> <c>ConnectionLost</c> with a <see cref="ConnectionDone"/>
/// (Twisted's <c>StringTransportWithDisconnection</c>).
/// </summary>
public sealed class StringTransportWithDisconnection : StringTransport
{
    /// <summary>Creates a transport for <paramref name="protocol"/>; see <see cref="StringTransport"/> for the other arguments.</summary>
    public StringTransportWithDisconnection(IProtocol? protocol = null, System.Net.EndPoint? hostAddress = null, System.Net.EndPoint? peerAddress = null, bool lenient = false)
        : base(hostAddress, peerAddress, lenient) => Protocol = protocol;

    /// <summary>The protocol to tell when the connection is lost; set it before calling <see cref="LoseConnection"/>.</summary>
    public IProtocol? Protocol { get; set; }

    /// <summary>Sets <see cref="StringTransport.Disconnecting"/> and, the first time, reports the connection lost to <see cref="Protocol"/>.</summary>
    /// <exception cref="InvalidOperationException">No protocol is attached.</exception>
    public override void LoseConnection()
    {
        base.LoseConnection();
        if (!Connected)
        {
            return;
        }
        var protocol = Protocol ?? throw new InvalidOperationException("Set Protocol before losing the connection.");
        Connected = false;
        protocol.ConnectionLost(new Failure(new ConnectionDone("Bye.")));
    }
}
