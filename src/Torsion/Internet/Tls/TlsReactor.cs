using System.Net;

namespace Torsion.Internet;

/// <summary>
/// <see cref="IReactorSsl"/> for any <see cref="IReactorTcp"/>: listens and connects with plain TCP
/// and wraps every protocol in TLS, so each backend (and any test reactor) gets TLS from this one
/// implementation. <see cref="ReactorBase"/> delegates here.
/// </summary>
public static class TlsReactor
{
    /// <summary>See <see cref="IReactorSsl.ListenSsl"/>.</summary>
    public static IListeningPort ListenSsl(IReactorTcp reactor, int port, Factory factory, TlsServerOptions options, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        return reactor.ListenTcp(port, new TlsServerFactory(factory, options), backlog, interfaceAddress);
    }

    /// <summary>See <see cref="IReactorSsl.ConnectSsl"/>.</summary>
    public static IConnector ConnectSsl(IReactorTcp reactor, string host, int port, ClientFactory factory, TlsClientOptions options, double timeout = 30, EndPoint? bindAddress = null)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        return reactor.ConnectTcp(host, port, new TlsClientFactory(factory, options, host), timeout, bindAddress);
    }
}
