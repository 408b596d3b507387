namespace Torsion.Internet;

/// <summary>Unix-domain stream servers and clients (Twisted's <c>IReactorUNIX</c>).</summary>
public interface IReactorUnix
{
    /// <summary>
    /// Listens on the Unix socket <paramref name="path"/> ("@name" for Linux's abstract namespace).
    /// A socket file left by a dead process is replaced; one a live process listens on is an error.
    /// <paramref name="mode"/> is applied to the socket file (default 0666, as in Twisted); with
    /// <paramref name="wantPid"/> a <c>PATH.lock</c> file holding this process's id guards the path.
    /// The socket file is removed when the port stops listening.
    /// </summary>
    /// <exception cref="CannotListenError">The path is in use, locked, not a socket, or not permitted.</exception>
    IListeningPort ListenUnix(string path, Factory factory, int backlog = IReactorTcp.DefaultBacklog, int mode = 0x1B6, bool wantPid = false);

    /// <summary>
    /// Connects to the Unix socket <paramref name="path"/>. With <paramref name="checkPid"/>, fails at once
    /// unless a live process holds the path's lock file (the server used <c>wantPid</c>).
    /// </summary>
    IConnector ConnectUnix(string path, ClientFactory factory, double timeout = 30, bool checkPid = false);
}
