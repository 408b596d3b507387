using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Listens on a TCP port (<c>tcp:PORT</c>, <c>tcp6:PORT</c>).</summary>
/// <param name="reactor">The reactor to listen with.</param>
/// <param name="port">The port; 0 picks a free one.</param>
/// <param name="backlog">The listen backlog.</param>
/// <param name="interfaceAddress">The address to bind ("" = every IPv4 address, "::" = every IPv6 address).</param>
public sealed class TcpServerEndpoint(IReactorTcp reactor, int port, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "") : IStreamServerEndpoint
{
    /// <inheritdoc />
    public Deferred<IListeningPort> Listen(Factory factory) =>
        Deferred.MaybeDeferred(() => reactor.ListenTcp(port, factory, backlog, interfaceAddress));

    /// <inheritdoc />
    public override string ToString() => $"TcpServerEndpoint({interfaceAddress}:{port})";
}
