namespace Torsion.Internet;

/// <summary>TCP servers and clients (Twisted's <c>IReactorTCP</c>).</summary>
public interface IReactorTcp
{
    /// <summary>
    /// Listens on <paramref name="port"/> (0 picks a free one) of <paramref name="interfaceAddress"/>
    /// ("" = every IPv4 address; "::" = every IPv6 address).
    /// </summary>
    /// <exception cref="CannotListenError">The address is in use, not permitted or invalid.</exception>
    IListeningPort ListenTcp(int port, Factory factory, int backlog = DefaultBacklog, string interfaceAddress = "");

    /// <summary>
    /// The default listen backlog: 511, as nginx uses. Twisted's 50 drops SYNs when a few dozen clients
    /// connect at once, and each dropped SYN costs that client a one-second retransmit.
    /// </summary>
    const int DefaultBacklog = 511;

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/>; the factory hears of success
    /// (through BuildProtocol) or failure (ClientConnectionFailed), at the latest after
    /// <paramref name="timeout"/> seconds.
    /// </summary>
    IConnector ConnectTcp(string host, int port, ClientFactory factory, double timeout = 30, System.Net.EndPoint? bindAddress = null);
}
