using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Listens for TLS on a TCP port (<c>ssl:443:privateKey=key.pem:certKey=cert.pem</c>).</summary>
/// <param name="reactor">The reactor to listen with.</param>
/// <param name="port">The port; 0 picks a free one.</param>
/// <param name="options">The server's certificate and TLS settings.</param>
/// <param name="backlog">The listen backlog.</param>
/// <param name="interfaceAddress">The address to bind.</param>
public sealed class SslServerEndpoint(IReactorTcp reactor, int port, TlsServerOptions options, int backlog = IReactorTcp.DefaultBacklog, string interfaceAddress = "") : IStreamServerEndpoint
{
    /// <inheritdoc />
    public Deferred<IListeningPort> Listen(Factory factory) =>
        Deferred.MaybeDeferred(() => TlsReactor.ListenSsl(reactor, port, factory, options, backlog, interfaceAddress));

    /// <inheritdoc />
    public override string ToString() => $"SslServerEndpoint({interfaceAddress}:{port})";
}
