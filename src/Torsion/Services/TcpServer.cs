using Torsion.Internet;

namespace Torsion.Services;

/// <summary>A service that listens for TCP connections on a port while it runs (Twisted's <c>TCPServer</c>).</summary>
public sealed class TcpServer : StreamServerEndpointService
{
    /// <summary>Creates a service listening on <paramref name="port"/> (0 picks a free one) of <paramref name="interfaceAddress"/> (empty for all).</summary>
    public TcpServer(IReactorTcp reactor, int port, Factory factory, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "")
        : base(new TcpServerEndpoint(reactor, port, backlog, interfaceAddress), factory)
    {
    }
}
