using Torsion.Internet;

namespace Torsion.Services;

/// <summary>A service that listens on a Unix socket path while it runs (Twisted's <c>UNIXServer</c>).</summary>
public sealed class UnixServer : StreamServerEndpointService
{
    /// <summary>Creates a service listening on <paramref name="path"/>, with the socket file's <paramref name="mode"/> and optional pid lock.</summary>
    public UnixServer(IReactorUnix reactor, string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false)
        : base(new UnixServerEndpoint(reactor, path, backlog, mode, wantPid), factory)
    {
    }
}
