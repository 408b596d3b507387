using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Listens on a Unix socket (<c>unix:PATH:mode=660:lockfile=1</c>).</summary>
/// <param name="reactor">The reactor to listen with.</param>
/// <param name="path">The socket path ("@name" for the abstract namespace).</param>
/// <param name="backlog">The listen backlog.</param>
/// <param name="mode">The socket file's mode.</param>
/// <param name="wantPid">Whether to guard the path with a pid lock file.</param>
public sealed class UnixServerEndpoint(IReactorUnix reactor, string path, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false) : IStreamServerEndpoint
{
    /// <inheritdoc />
    public Deferred<IListeningPort> Listen(Factory factory) =>
        Deferred.MaybeDeferred(() => reactor.ListenUnix(path, factory, backlog, mode, wantPid));

    /// <inheritdoc />
    public override string ToString() => $"UnixServerEndpoint({path})";
}
