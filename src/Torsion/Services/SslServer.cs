using Torsion.Internet;

namespace Torsion.Services;

/// <summary>A service that listens for TLS connections on a TCP port while it runs (Twisted's <c>SSLServer</c>).</summary>
public sealed class SslServer : StreamServerEndpointService
{
    /// <summary>Creates a service listening on <paramref name="port"/> with the server's TLS <paramref name="options"/>.</summary>
    public SslServer(IReactorTcp reactor, int port, Factory factory, TlsServerOptions options, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
        : base(new SslServerEndpoint(reactor, port, options, backlog, interfaceAddress), factory)
    {
    }
}
