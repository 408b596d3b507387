using System.Net;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Connects over TLS (<c>tls:HOST:PORT[:trustRoots=ca.pem][:timeout=30]</c>); the host name is checked against the certificate.</summary>
/// <param name="reactor">The reactor to connect with.</param>
/// <param name="host">The host name (also the name checked against the certificate unless options say otherwise).</param>
/// <param name="port">The port.</param>
/// <param name="options">Trust roots, ALPN and client certificate.</param>
/// <param name="timeout">Seconds before the TCP connection attempt fails.</param>
/// <param name="bindAddress">The local address to bind first, if any.</param>
public sealed class TlsClientEndpoint(IReactorTcp reactor, string host, int port, TlsClientOptions options, double timeout = 30, EndPoint? bindAddress = null) : IStreamClientEndpoint
{
    /// <inheritdoc />
    public Deferred<IProtocol> Connect(Factory factory) =>
        EndpointConnection.Start(factory, $"{host}:{port}", wrapper => TlsReactor.ConnectSsl(reactor, host, port, wrapper, options, timeout, bindAddress));

    /// <inheritdoc />
    public override string ToString() => $"TlsClientEndpoint({host}:{port})";
}
