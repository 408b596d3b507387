using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Connects over TCP (<c>tcp:host=H:port=P:timeout=30:bindAddress=A</c>).</summary>
/// <param name="reactor">The reactor to connect with.</param>
/// <param name="host">A host name or address.</param>
/// <param name="port">The port.</param>
/// <param name="timeout">Seconds before the attempt fails.</param>
/// <param name="bindAddress">The local address to bind first, if any.</param>
public sealed class TcpClientEndpoint(IReactorTcp reactor, string host, int port, double timeout = 30, EndPoint? bindAddress = null) : IStreamClientEndpoint
{
    /// <inheritdoc />
    public Deferred<IProtocol> Connect(Factory factory) =>
        EndpointConnection.Start(factory, $"{host}:{port}", wrapper => reactor.ConnectTcp(host, port, wrapper, timeout, bindAddress));

    /// <inheritdoc />
    public override string ToString() => $"TcpClientEndpoint({host}:{port})";
}
