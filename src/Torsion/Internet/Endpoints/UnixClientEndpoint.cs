using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Connects to a Unix socket (<c>unix:path=P:timeout=30:checkPID=0</c>).</summary>
/// <param name="reactor">The reactor to connect with.</param>
/// <param name="path">The socket path.</param>
/// <param name="timeout">Seconds before the attempt fails.</param>
/// <param name="checkPid">Require a live process to hold the path's lock file.</param>
public sealed class UnixClientEndpoint(IReactorUnix reactor, string path, double timeout = 30, bool checkPid = false) : IStreamClientEndpoint
{
    /// <inheritdoc />
    public Deferred<IProtocol> Connect(Factory factory) =>
        EndpointConnection.Start(factory, path, wrapper => reactor.ConnectUnix(path, wrapper, timeout, checkPid));

    /// <inheritdoc />
    public override string ToString() => $"UnixClientEndpoint({path})";
}
