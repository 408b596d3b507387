using Torsion.Defer;
using Torsion.Protocols;

namespace Torsion.Internet;

/// <summary>
/// Listens on <paramref name="wrapped"/> for connections that begin with a PROXY protocol header
/// (<c>haproxy:tcp:8080</c>; Twisted's <c>haproxy:</c> endpoint): each factory given to
/// <see cref="Listen"/> is wrapped in an <see cref="HAProxyWrappingFactory"/>.
/// </summary>
/// <param name="wrapped">Where to listen (tcp, tcp6, unix, systemd...).</param>
/// <param name="clock">Runs the header timeout.</param>
/// <param name="headerTimeout">Seconds a connection has to send its header; 0 for no limit.</param>
public sealed class HAProxyServerEndpoint(IStreamServerEndpoint wrapped, IReactorTime clock, double headerTimeout = HAProxyWrappingFactory.DefaultHeaderTimeout) : IStreamServerEndpoint
{
    /// <inheritdoc />
    public Deferred<IListeningPort> Listen(Factory factory) =>
        wrapped.Listen(new HAProxyWrappingFactory(factory, clock, headerTimeout));

    /// <inheritdoc />
    public override string ToString() => $"HAProxyServerEndpoint({wrapped})";
}
